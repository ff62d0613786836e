"""Generated people: names, phone numbers and 18-digit ID numbers.

Everything here is produced by our own code from small word lists; nothing is
copied from a real register. Surnames are weighted roughly by their real
frequency in China (the top ones cover most of the population).
"""

import datetime
import random

from renda.core.idnumbers import id_check_digit

# (surname, weight ≈ share of population in ‰)
SURNAMES: list[tuple[str, float]] = [
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("赵", 23), ("黄", 22),
    ("周", 19), ("吴", 20), ("徐", 17), ("孙", 15), ("胡", 13), ("朱", 13), ("高", 10), ("林", 11),
    ("何", 12), ("郭", 11), ("马", 15), ("罗", 9), ("梁", 8), ("宋", 7), ("郑", 7), ("谢", 6),
    ("韩", 6), ("唐", 6), ("冯", 6), ("于", 7), ("董", 5), ("萧", 1), ("程", 4), ("曹", 5),
    ("袁", 4), ("邓", 5), ("许", 4), ("傅", 3), ("沈", 3), ("曾", 4), ("彭", 4), ("吕", 4),
    ("苏", 4), ("卢", 4), ("蒋", 4), ("蔡", 3), ("贾", 3), ("丁", 3), ("魏", 4), ("薛", 2),
    ("叶", 3), ("阎", 2), ("余", 3), ("潘", 3), ("杜", 3), ("戴", 2), ("夏", 2), ("钟", 3),
    ("汪", 3), ("田", 3), ("任", 3), ("姜", 3), ("范", 2), ("方", 2), ("石", 2), ("姚", 2),
    ("谭", 2), ("廖", 2), ("邹", 2), ("熊", 2), ("金", 2), ("陆", 2), ("郝", 2), ("孔", 1),
    ("白", 2), ("崔", 2), ("康", 1), ("毛", 1), ("邱", 2), ("秦", 1), ("江", 1), ("史", 1),
    ("顾", 1), ("侯", 1), ("邵", 1), ("孟", 1), ("龙", 1), ("万", 1), ("段", 1), ("雷", 1),
    ("钱", 1), ("汤", 1), ("尹", 1), ("黎", 1), ("易", 1), ("常", 1), ("武", 1), ("乔", 1),
    ("贺", 1), ("赖", 1), ("龚", 1), ("文", 1), ("庞", 0.8), ("樊", 0.8), ("兰", 0.6), ("殷", 0.6),
    ("施", 0.6), ("陶", 0.8), ("洪", 0.6), ("翟", 0.5), ("安", 0.6), ("颜", 0.5), ("倪", 0.5),
    ("严", 0.6), ("牛", 0.5), ("温", 0.6), ("芦", 0.3), ("季", 0.4), ("俞", 0.4), ("章", 0.5),
    ("鲁", 0.5), ("葛", 0.5), ("伍", 0.4), ("韦", 0.6), ("申", 0.4), ("尤", 0.3), ("毕", 0.4),
    ("聂", 0.4), ("焦", 0.4), ("向", 0.4), ("柳", 0.3), ("邢", 0.4), ("岳", 0.4), ("齐", 0.4),
    ("梅", 0.3), ("莫", 0.4), ("庄", 0.4), ("辛", 0.3), ("管", 0.3), ("祝", 0.3), ("左", 0.3),
    ("涂", 0.3), ("谷", 0.3), ("祁", 0.2), ("时", 0.2), ("舒", 0.2), ("耿", 0.3), ("牟", 0.2),
    ("卜", 0.2), ("路", 0.3), ("詹", 0.2), ("关", 0.4), ("苗", 0.3), ("凌", 0.2), ("费", 0.2),
    ("纪", 0.3), ("靳", 0.2), ("盛", 0.2), ("童", 0.2), ("欧阳", 0.2), ("诸葛", 0.03), ("上官", 0.03),
    ("司马", 0.03), ("令狐", 0.02), ("慕容", 0.02),
]  # fmt: skip

# Surnames common among the Korean (朝鲜族) population of the north-east.
KOREAN_SURNAMES = ["金", "李", "朴", "崔", "郑", "姜", "赵", "尹", "张", "林", "韩", "申", "权", "玄"]

MALE_CHARS = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌"
    "成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之"
    "轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
FEMALE_CHARS = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍"
    "贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺"
    "咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿"
)
NEUTRAL_CHARS = "文明华平丽晓立新春海红军英玉金志永建国庆云宇雪晶博嘉鑫磊丹"

# Characters outside the Basic Multilingual Plane that occur in real personal
# names (CJK Extension B and later). A few deputies carry them so that every
# layer — database, search, exports, PDF, the browser — is proven to cope.
RARE_CHARS = ["𠙶", "𪚥", "𬀩", "𫖮", "𬭚", "𬘭", "𬌗", "𬳵"]


class PersonFactory:
    """Deterministic generator of people for one seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._cum = []
        total = 0.0
        for _, w in SURNAMES:
            total += w
            self._cum.append(total)
        self._used_ids: set[str] = set()
        self._used_phones: set[str] = set()
        self._seq_by_region: dict[tuple[str, str], int] = {}

    def surname(self, ethnicity: str = "汉族") -> str:
        if ethnicity == "朝鲜族":
            return self.rng.choice(KOREAN_SURNAMES)
        return self.rng.choices(self._surnames, cum_weights=self._cum, k=1)[0]

    def given_name(self, gender: str) -> str:
        pool = MALE_CHARS if gender == "M" else FEMALE_CHARS
        first = self.rng.choice(pool if self.rng.random() < 0.85 else NEUTRAL_CHARS)
        if self.rng.random() < 0.22:  # single-character given names are common
            return first
        return first + self.rng.choice(pool)

    def name(self, gender: str, ethnicity: str = "汉族") -> str:
        return self.surname(ethnicity) + self.given_name(gender)

    def rare_name(self, index: int, gender: str) -> str:
        """A name with one character outside the BMP (deterministic per index)."""
        rare = RARE_CHARS[index % len(RARE_CHARS)]
        surname = self.surname()
        if self.rng.random() < 0.5:
            return surname + rare
        return surname + self.given_name(gender)[:1] + rare

    def phone(self) -> str:
        """A well-formed 11-digit mobile number (fake; unique within the demo)."""
        prefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
                    "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188",
                    "189", "191", "198", "199"]  # fmt: skip
        while True:
            number = self.rng.choice(prefixes) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._used_phones:
                self._used_phones.add(number)
                return number

    def birth_date(self, youngest: int = 28, oldest: int = 64, today: datetime.date | None = None) -> datetime.date:
        today = today or datetime.date(2026, 1, 1)
        start = datetime.date(today.year - oldest, 1, 1)
        span = (datetime.date(today.year - youngest, 12, 31) - start).days
        return start + datetime.timedelta(days=self.rng.randrange(span))

    def id_number(self, region: str, birth: datetime.date, gender: str) -> str:
        """A well-formed 居民身份证号码 (GB 11643): region, birth date, sequence, check digit.

        The sequence's last digit is odd for men and even for women; numbers are
        unique within the demo.
        """
        key = (region, birth.isoformat())
        seq = self._seq_by_region.get(key, self.rng.randrange(0, 400))
        while True:
            seq += 1
            if (seq % 2 == 1) != (gender == "M"):
                continue
            body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
            number = body + id_check_digit(body)
            if number not in self._used_ids:
                self._seq_by_region[key] = seq
                self._used_ids.add(number)
                return number


CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五, 230 → 二百三十 (1 ≤ n < 1000)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return CN_DIGITS[hundreds] + "百"
    if rest < 10:
        return CN_DIGITS[hundreds] + "百零" + CN_DIGITS[rest]
    tail = chinese_number(rest)
    return CN_DIGITS[hundreds] + "百" + ("一" + tail if rest < 20 else tail)

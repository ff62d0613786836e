"""The fictional city: 江北省 (990000) → 佳河市 (990100) → 8 counties/districts →
townships/streets → villages/communities, with synthetic GeoJSON outlines.

Geometry: one jittered lattice covers the city's bounding box. Counties are
blocks of lattice cells and townships are sub-blocks of their county, so
neighbours share exactly the same (irregular) edge vertices and the outlines
tile the city without gaps or overlaps. Simple, deterministic, good enough
for a map.
"""

import math
import random
from dataclasses import dataclass, field

NATION_CODE = "000000"
PROVINCE_CODE = "990000"
PROVINCE_NAME = "江北省"
CITY_CODE = "990100"
CITY_NAME = "佳河市"

# City bounding box (about 2° × 2° around lat 46.8, lng 130.3).
LNG_MIN, LNG_MAX = 129.3, 131.3
LAT_MIN, LAT_MAX = 45.8, 47.8
LATTICE_X, LATTICE_Y = 40, 40  # cells


@dataclass(frozen=True)
class CountySpec:
    code: str
    name: str
    urban: bool  # districts of the central city: mostly 街道 and 社区
    townships: int  # at full scale
    weight: float  # share of population (drives deputy counts)


COUNTIES = [
    CountySpec("990102", "东风区", True, 9, 1.0),
    CountySpec("990103", "向阳区", True, 10, 1.1),
    CountySpec("990104", "前进区", True, 8, 0.8),
    CountySpec("990105", "郊区", False, 13, 1.0),
    CountySpec("990106", "桦南县", False, 14, 1.3),
    CountySpec("990107", "桦川县", False, 11, 0.9),
    CountySpec("990108", "汤原县", False, 11, 0.9),
    CountySpec("990109", "同河市", False, 13, 1.2),
]

# Layout of county blocks on the lattice: (x0, x1, y0, y1) in cells; y grows northwards.
# The three urban districts sit together in the middle, the counties around them.
COUNTY_BLOCKS = {
    "990102": (16, 22, 18, 24),
    "990103": (22, 28, 18, 24),
    "990104": (16, 28, 13, 18),
    "990105": (10, 16, 13, 30),
    "990106": (0, 10, 0, 20),
    "990107": (0, 10, 20, 40),
    "990108": (10, 40, 30, 40),
    "990109": (10, 40, 0, 13),
}
# The rest of the lattice (east of the centre) belongs to 郊区 too, as a second block.
EXTRA_BLOCKS = {"990105": [(28, 40, 13, 30), (16, 28, 24, 30)]}

STREET_STEMS = [
    "长安", "建设", "光明", "胜利", "友谊", "站前", "红旗", "新华", "铁路", "晓云", "佳东", "西林", "松江", "沿江",
    "中山", "和平", "民主", "长青", "永红", "东山", "南岗", "北新", "杏林", "保卫", "德祥", "安庆", "文化", "春光",
]  # fmt: skip
TOWN_STEMS = [
    "新丰", "兴隆", "太平", "永安", "福民", "四合", "红星", "双河", "柳树", "榆林", "团结", "黎明", "东兴", "西岗",
    "南岔", "北山", "梨树", "杨树", "靠山", "三道岗", "星火", "创业", "长发", "望江", "莲花", "万兴", "大来", "新城",
    "香兰", "鹤立", "吉兴", "竹帘", "振兴", "悦来", "横头山", "苏家店", "梨丰", "土龙山", "驼腰子", "孟家岗",
    "金沙", "明义", "阎家", "五岭", "富民", "青山", "平安", "二龙山", "沙河", "长胜", "宏伟", "红光", "向前", "前锋",
]  # fmt: skip
COMMUNITY_STEMS = [
    "光明", "幸福", "和谐", "锦江", "桥南", "站前", "春华", "翠园", "阳光", "福苑", "怡景", "康乐", "兴业", "友谊",
    "新村", "铁东", "铁西", "丽水", "花园", "景阳", "滨江", "学府", "长虹", "金秋", "紫荆", "安居", "顺和", "文苑",
    "百合", "瑞祥", "嘉园", "馨园",
]  # fmt: skip
VILLAGE_STEMS = [
    "前进", "保安", "永发", "兴安", "长胜", "新民", "东升", "曙光", "和平", "富强", "双山", "宝山", "红光", "胜利",
    "合心", "庆丰", "丰收", "青龙", "太阳升", "三合", "四方台", "五星", "六合", "七星", "八里", "九龙", "十八垧",
    "徐家", "李家屯", "王家店", "孙家窝棚", "刘家", "赵家岗", "万发", "东胜", "西河", "南兴", "北安", "永利", "德胜",
    "新立", "靠河", "团山", "草帽", "苇塘", "柳毛", "榆树", "杏树", "梨园", "榛子岭",
]  # fmt: skip
ROADS = [
    "建设路", "长安路", "光明街", "中山路", "解放路", "胜利路", "友谊路", "新华路", "文化街", "站前路", "杏林路",
    "保卫路", "德祥街", "安庆街", "红旗路", "和平路", "松江路", "沿江路", "长青路", "学府路", "滨江大道", "兴业大街",
]  # fmt: skip


@dataclass
class Place:
    code: str
    name: str
    level: str
    parent_code: str | None
    path: str
    depth: int
    latitude: float | None = None
    longitude: float | None = None
    boundary: dict | None = None
    # Extra facts for the generators (not stored).
    kind: str = ""  # "street" | "town" | "xiang" for townships; "community" | "village" for villages
    county: str = ""  # county code
    township: str = ""  # township code
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)  # lattice blocks


class Lattice:
    """A (LATTICE_X+1) × (LATTICE_Y+1) grid of jittered vertices over the city box."""

    def __init__(self, rng: random.Random):
        self.points: dict[tuple[int, int], tuple[float, float]] = {}
        dx = (LNG_MAX - LNG_MIN) / LATTICE_X
        dy = (LAT_MAX - LAT_MIN) / LATTICE_Y
        # A smooth low-frequency warp bends the straight lattice lines into rivers and
        # roads (a shear, so no cell ever folds over), then every vertex is jittered by up
        # to 22% of a cell so edges look hand-drawn while every cell stays a simple quad.
        phases = [rng.uniform(0, 6.3) for _ in range(4)]
        for i in range(LATTICE_X + 1):
            for j in range(LATTICE_Y + 1):
                warp_lng = 1.2 * math.sin(j * 0.29 + phases[0]) + 0.7 * math.sin(j * 0.13 + phases[1])
                warp_lat = 1.0 * math.sin(i * 0.27 + phases[2]) + 0.6 * math.sin(i * 0.11 + phases[3])
                lng = LNG_MIN + (i + warp_lng + rng.uniform(-0.22, 0.22)) * dx
                lat = LAT_MIN + (j + warp_lat + rng.uniform(-0.22, 0.22)) * dy
                self.points[i, j] = (round(lng, 5), round(lat, 5))

    def outline(self, block: tuple[int, int, int, int]) -> list[list[float]]:
        """The closed ring (counter-clockwise, [lng, lat]) around a block of cells."""
        x0, x1, y0, y1 = block
        ring = [(i, y0) for i in range(x0, x1)]
        ring += [(x1, j) for j in range(y0, y1)]
        ring += [(i, y1) for i in range(x1, x0, -1)]
        ring += [(x0, j) for j in range(y1, y0, -1)]
        coords = [list(self.points[p]) for p in ring]
        return [*coords, coords[0]]

    def outline_cells(self, blocks: list[tuple[int, int, int, int]]) -> list[list[list[float]]]:
        """Outer rings of the union of blocks: cell edges shared by two cells cancel out."""
        edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
        cells = {(i, j) for x0, x1, y0, y1 in blocks for i in range(x0, x1) for j in range(y0, y1)}
        for i, j in cells:
            for a, b, neighbour in (
                ((i, j), (i + 1, j), (i, j - 1)),
                ((i + 1, j), (i + 1, j + 1), (i + 1, j)),
                ((i + 1, j + 1), (i, j + 1), (i, j + 1)),
                ((i, j + 1), (i, j), (i - 1, j)),
            ):
                if neighbour not in cells:
                    edges.setdefault(a, []).append(b)
        rings = []
        while edges:
            start = min(edges)
            ring, vertex = [start], start
            while True:
                nxt = edges[vertex].pop()
                if not edges[vertex]:
                    del edges[vertex]
                if nxt == start:
                    break
                ring.append(nxt)
                vertex = nxt
            coords = [list(self.points[p]) for p in ring]
            rings.append([*coords, coords[0]])
        return rings

    def point_in(self, block: tuple[int, int, int, int], rng: random.Random) -> tuple[float, float]:
        """A random (lat, lng) inside a block: bilinear inside one of its cells."""
        x0, x1, y0, y1 = block
        i, j = rng.randrange(x0, x1), rng.randrange(y0, y1)
        u, v = rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85)
        p00, p10 = self.points[i, j], self.points[i + 1, j]
        p01, p11 = self.points[i, j + 1], self.points[i + 1, j + 1]
        lng = (1 - u) * (1 - v) * p00[0] + u * (1 - v) * p10[0] + (1 - u) * v * p01[0] + u * v * p11[0]
        lat = (1 - u) * (1 - v) * p00[1] + u * (1 - v) * p10[1] + (1 - u) * v * p01[1] + u * v * p11[1]
        return round(lat, 6), round(lng, 6)

    def center(self, block: tuple[int, int, int, int]) -> tuple[float, float]:
        x0, x1, y0, y1 = block
        i, j = (x0 + x1) / 2, (y0 + y1) / 2
        # The lattice point nearest the middle (or the mean of the four around it).
        corners = [self.points[int(a), int(b)] for a in {int(i), int(i + 0.5)} for b in {int(j), int(j + 0.5)}]
        lng = sum(c[0] for c in corners) / len(corners)
        lat = sum(c[1] for c in corners) / len(corners)
        return round(lat, 6), round(lng, 6)


def polygon(rings: list[list[list[float]]]) -> dict:
    if len(rings) == 1:
        return {"type": "Polygon", "coordinates": rings}
    return {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]}


def _split(length: int, parts: int, rng: random.Random) -> list[int]:
    """Cut ``length`` cells into ``parts`` runs of at least one cell, unevenly."""
    parts = max(1, min(parts, length))
    cuts = sorted(rng.sample(range(1, length), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, length]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def _sub_blocks(blocks: list[tuple[int, int, int, int]], count: int, rng: random.Random):
    """Partition county blocks into ``count`` township blocks (rows × columns per block)."""
    total_area = sum((b[1] - b[0]) * (b[3] - b[2]) for b in blocks)
    result: list[tuple[int, int, int, int]] = []
    remaining = count
    for n, (x0, x1, y0, y1) in enumerate(blocks):
        area = (x1 - x0) * (y1 - y0)
        want = remaining if n == len(blocks) - 1 else max(1, round(count * area / total_area))
        remaining -= want
        w, h = x1 - x0, y1 - y0
        rows = max(1, min(h, round((want * h / w) ** 0.5)))
        cols_total = want
        per_row = [cols_total // rows + (1 if r < cols_total % rows else 0) for r in range(rows)]
        heights = _split(h, rows, rng)
        y = y0
        for r, rh in enumerate(heights):
            x = x0
            for cw in _split(w, per_row[r], rng):
                result.append((x, x + cw, y, y + rh))
                x += cw
            y += rh
    return result


def build_places(rng: random.Random, scale: float = 1.0) -> tuple[list[Place], "Lattice"]:
    """Every division of the demo, parents before children, with precomputed paths."""
    lattice = Lattice(rng)
    places: list[Place] = []
    nation = Place(NATION_CODE, "全国", "nation", None, f"/{NATION_CODE}/", 0)
    province = Place(PROVINCE_CODE, PROVINCE_NAME, "province", NATION_CODE, f"{nation.path}{PROVINCE_CODE}/", 1)
    city = Place(CITY_CODE, CITY_NAME, "city", PROVINCE_CODE, f"{province.path}{CITY_CODE}/", 2)
    city.latitude, city.longitude = lattice.center((16, 28, 13, 24))
    city.boundary = polygon([lattice.outline((0, LATTICE_X, 0, LATTICE_Y))])
    places += [nation, province, city]

    factor = min(1.0, scale**0.5)
    for spec in COUNTIES:
        blocks = [COUNTY_BLOCKS[spec.code], *EXTRA_BLOCKS.get(spec.code, [])]
        county = Place(spec.code, spec.name, "county", CITY_CODE, f"{city.path}{spec.code}/", 3, county=spec.code)
        county.latitude, county.longitude = lattice.center(blocks[0])
        county.boundary = polygon(lattice.outline_cells(blocks))
        county.cells = blocks
        places.append(county)

        town_blocks = _sub_blocks(blocks, max(2, round(spec.townships * factor)), rng)
        n_towns = len(town_blocks)
        # Urban districts: mostly 街道 plus one 镇; counties: one or two 街道 (the seat), then 镇 and 乡.
        if spec.urban:
            kinds = ["street"] * (n_towns - 1) + ["town"]
        else:
            streets = 1 if n_towns < 8 else 2
            towns = max(1, (n_towns - streets) * 3 // 5)
            kinds = ["street"] * streets + ["town"] * towns + ["xiang"] * (n_towns - streets - towns)
        street_stems = rng.sample(STREET_STEMS, len(STREET_STEMS))
        town_stems = rng.sample(list(dict.fromkeys(TOWN_STEMS)), len(set(TOWN_STEMS)))
        if spec.code == "990102":  # the district every test and demo journey uses
            street_stems.remove("长安")
            street_stems.insert(0, "长安")
        seq = {"street": 0, "town": 100, "xiang": 200}
        for t, (kind, block) in enumerate(zip(kinds, town_blocks, strict=True)):
            seq[kind] += 1
            code = f"{spec.code}{seq[kind]:03d}"
            if kind == "street":
                name = street_stems.pop(0) + "街道"
            else:
                name = town_stems.pop(0) + ("镇" if kind == "town" else "乡")
            town = Place(code, name, "township", spec.code, f"{county.path}{code}/", 4, kind=kind, county=spec.code)
            town.township = code
            town.latitude, town.longitude = lattice.center(block)
            town.boundary = polygon([lattice.outline(block)])
            town.cells = [block]
            places.append(town)

            n_villages = max(2, round(rng.randint(6, 15) * factor))
            if kind == "street":
                stems, suffix, vseq = rng.sample(COMMUNITY_STEMS, len(COMMUNITY_STEMS)), "社区", 0
                if spec.code == "990102" and t == 0:
                    stems.remove("光明")
                    stems.insert(0, "光明")
            else:
                # A town has a community or two at its seat, then villages (codes 2xx).
                stems, suffix, vseq = rng.sample(VILLAGE_STEMS, len(VILLAGE_STEMS)), "村", 200
            for v in range(n_villages):
                if kind != "street" and v == 0:
                    vcode, vname, vkind = f"{code}001", name[:-1] + "社区", "community"
                else:
                    vseq += 1
                    stem = stems.pop(0)
                    vname = stem + suffix
                    vcode, vkind = f"{code}{vseq:03d}", "community" if suffix == "社区" else "village"
                village = Place(vcode, vname, "village", code, f"{town.path}{vcode}/", 5, kind=vkind, county=spec.code)
                village.township = code
                village.latitude, village.longitude = lattice.point_in(block, rng)
                village.cells = [block]
                places.append(village)
    return places, lattice

"""信息发布 and 精准推送: notices to the public site and to chosen deputies, with read receipts."""

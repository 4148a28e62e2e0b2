#!/usr/bin/env python3
"""Writes the fixtures that cannot be typed as UTF-8 text: other encodings, BOMs, control
characters, truncations. Run from this folder; the output is committed, so tests never need it."""


def rss(title, items, declaration="utf-8", extra=""):
    decl = f'<?xml version="1.0" encoding="{declaration}"?>\n' if declaration else ""
    body = "".join(f"<item><title>{t}</title><link>https://enc.example/{i}</link><description>{d}</description></item>\n"
                   for i, (t, d) in enumerate(items))
    return f'{decl}<rss version="2.0"><channel><title>{title}</title>{extra}\n{body}</channel></rss>\n'


def write(name, data):
    with open(name, "wb") as handle:
        handle.write(data)


CHINESE = ("新浪财经－国內", [("抓实对“一把手”和领导班子监督", "正文内容")])
TRADITIONAL = ("臺灣新聞", [("颱風過後 繁體標題", "內文測試")])
JAPANESE = ("日本語ニュース", [("東京で桜が満開　ｶﾀｶﾅ", "本文です")])
WESTERN = ("Café “Quotes”", [("Crème brûlée – €5", "naïve façade")])
LATIN1 = ("Café Société", [("Señor Müller", "Ærø ½")])

write("gb18030.xml", rss(CHINESE[0], CHINESE[1] + [("四字节 𠀀 字", "€")], "gb18030").encode("gb18030"))
# Declared GB2312 but uses characters only GBK has (镕, 喆): common in Chinese news feeds.
write("gb2312-with-gbk.xml", rss("新闻", [("朱镕基 陶喆", "正文")], "gb2312").encode("gbk"))
write("big5.xml", rss(*TRADITIONAL, "big5").encode("big5"))
write("shift_jis.xml", rss(*JAPANESE, "Shift_JIS").encode("shift_jis"))
write("windows-1252.xml", rss(*WESTERN, "windows-1252").encode("cp1252"))
write("iso-8859-1.xml", rss(*LATIN1, "ISO-8859-1").encode("latin-1"))
# No declaration at all: only the HTTP charset says Big5.
write("big5-undeclared.xml", rss(*TRADITIONAL, None).encode("big5"))
write("utf8-bom.xml", b"\xef\xbb\xbf" + rss("BOM 标题", [("项目", "内容")], "iso-8859-1").encode("utf-8"))
write("utf16le-bom.xml", b"\xff\xfe" + rss("UTF-16 标题", [("项目", "内容")], "utf-16").encode("utf-16-le"))
# UTF-8 with two stray Latin-1 bytes in one item: damage, not another encoding.
stray = rss("混合 Mixed", [("第一条", "正常"), ("caf\u00e9 bad", "still UTF-8 文字")]).encode("utf-8")
write("utf8-stray-bytes.xml", stray.replace("caf\u00e9".encode("utf-8"), b"caf\xe9").replace(b"bad", b"b\xffd"))
write("control-chars.xml", rss("Control\x01 chars", [("Bell\x07 title", "<![CDATA[body\x0b with\x1f controls]]>"),
                                                   ("Next", "fine &#1; &#x0; &#55296; ok")]).encode("utf-8"))
complete = rss("Truncated", [("One", "first"), ("Two", "second"), ("Three", "third and cut here")]).encode("utf-8")
write("truncated.xml", complete[:complete.index(b"cut here") + 3])
# Cut inside a three-byte character: must still be read as UTF-8.
cut = rss("截断 feed", [("第一", "内容"), ("第二", "再来一个汉字")]).encode("utf-8")
write("truncated-mid-character.xml", cut[:cut.rindex("汉".encode("utf-8")) + 2])

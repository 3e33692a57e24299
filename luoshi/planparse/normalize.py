"""A same-length folded copy of the text, so that rules match one spelling while spans
still index the original: full-width ASCII to half-width, ideographic space to space,
and the traditional characters common in plans to simplified. Every mapping is one
character to one character; nothing is inserted or removed.
"""

from __future__ import annotations

_TRADITIONAL = (
    "黨党書书記记會会學学習习組组織织員员務务開开關关於于進进設设領领導导幹干體体發发實实現现時时間间"
    "報报單单責责廳厅區区縣县鄉乡專专項项題题議议歲岁與与為为對对從从嚴严紀纪檢检監监規规劃划計计"
    "環环節节歷历屆届傳传統统識识營营濃浓氛氛圍围鬥斗爭争權权傑杰變变調调動动應应該该確确認认選选"
    "舉举優优勢势經经濟济農农業业區区質质層层級级機机構构組组織织貫贯徹彻廣广鄉乡僅仅產产護护聯联"
    "網网絡络資资源源價价費费產产線线綫线鐵铁銷销號号問问題题務务勵励導导稱称製制據据處处條条類类"
    "團团員员範范圍围歸归據据辦办總总結结簡简續续積积極极強强據据醫医藥药衛卫軍军國国華华萬万億亿"
    "與与觀观視视聽听講讲說说話话讀读寫写論论課课標标準准負负擔担態态節节麼么這这們们個个來来後后"
    "東东車车長长門门見见幾几過过還还邊边遠远達达運运遲迟錄录檔档備备頭头風风氣气飛飞馬马魚鱼鳥鸟"
    "點点黃黄齊齐齡龄龍龙龜龟愛爱慶庆憲宪戰战戶户擊击據据攜携擴扩擺摆數数據据斷断於于舊旧曆历書书"
    "會会極极構构樣样樹树歡欢歲岁氣气決决沒没況况準准溝沟滅灭漢汉澤泽為为無无煙烟熱热爾尔牽牵獎奖"
    "當当盡尽監监盤盘確确禮礼禦御穩稳築筑簽签節节範范緊紧組组細细終终絕绝給给統统絲丝綠绿維维網网"
    "線线緣缘編编繼继續续罰罚義义習习聖圣職职聯联肅肃脅胁腦脑興兴舉举藝艺蘇苏號号補补製制複复襲袭"
    "規规親亲覺觉觸触計计訊讯託托記记訪访設设許许診诊評评詞词試试詳详認认誓誓語语誤误說说請请諾诺"
    "課课調调談谈論论諸诸謀谋謝谢證证識识譽誉議议護护讓让貝贝負负財财責责貧贫貨货販贩貫贯貴贵貸贷"
    "費费賀贺資资賞赏質质購购賽赛贊赞趕赶趙赵跡迹踐践車车軍军軟软較较載载輕轻輔辅輸输轄辖農农這这"
    "連连週周進进運运過过達达違违遞递遠远適适遷迁選选遺遗還还邊边鄉乡鄰邻醫医釋释針针鎮镇長长門门"
    "閉闭開开閑闲間间閱阅關关闊阔陣阵陳陈陸陆陽阳隊队階阶際际隨随險险隱隐雙双雜杂難难電电霧雾靜静"
    "頁页項项順顺須须預预領领頻频題题額额顧顾風风飯饭館馆馬马驗验體体髮发鬧闹齊齐"
)
_FOLD = {ord(_TRADITIONAL[i]): _TRADITIONAL[i + 1] for i in range(0, len(_TRADITIONAL) - 1, 2)}
# Full-width ASCII (！ to ～) to half-width, and the ideographic space.
_FOLD.update({c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})
_FOLD[0x3000] = " "
_FOLD[0xFE52] = "."  # ﹒ small full stop, a marker variant (1﹒)
_FOLD[0xFE51] = "、"  # ﹑ small ideographic comma
_FOLD[0xA0] = " "


def fold(text: str) -> str:
    """The folded copy; `len(fold(t)) == len(t)` always holds."""
    return text.translate(_FOLD)


CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105, 2 → 2; None when not a number."""
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "千":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current

"""The call sheet's interface words, one catalog a language, instead of `if language == ...`
branches at every place that prints. A message is a `str.format` pattern; one that depends
on a number has a form for one and a form for many (English needs both, Chinese one).
"""

from __future__ import annotations

from typing import Any

Message = str | tuple[str, str]  # a pattern, or (one, many)

CATALOG: dict[str, dict[str, Message]] = {
    "zh-CN": {
        "sheet-title": "{salon} · {day} 回访表 · {count}个",
        "caller-heading": "{caller} · {count}个",
        "waiting": "{caller}：另有{count}个待回访，今天的名额已满（salonctl due --all 可查看）",
        "nothing-due": "{title}：没有要打的电话",
        "closed": "（今天店休）",
        "no-calls-mail": "今天没有需要回访的客人。",
        "column-client": "客人",
        "column-why": "原因 · 话术",
        "held": "{rank} 待",
        "overdue": "逾期{count}天",
        "last-day": "今天是最后一天",
        "tries": "已拨{count}次未接",
        "reply-by": "{deadline}答复",
        "notes": "（{notes}）",
        "notes-join": "，",
        "also": "另外：{topics}",
        "topics-join": "；",
        "products-join": "、",
        "calendar": "{salon} · 回访",
        "calendar-event": "回访 {name} · {phone}",
        "next-prompt": "r 接通  n 未接  c 不方便  x 拒绝  w 号码错  s 先跳过  q 结束 > ",
        "next-when": "哪天回电？(明天 / +3d / 周五 / YYYY-MM-DD，直接回车：下一个营业日) > ",
        "next-done": "打了{made}个，接通{reached}个，还剩{left}个",
        "unreadable": "无法安排 {who}：请修改 {where}（salonctl check 查看详情）",
    },
    "en": {
        "sheet-title": "{salon} · calls for {day} · {count}",
        "caller-heading": "{caller} · {count}",
        "waiting": ("{caller}: {count} more call waits beyond today's limit "
                    "(salonctl due --all shows it)",
                    "{caller}: {count} more calls wait beyond today's limit "
                    "(salonctl due --all shows them)"),
        "nothing-due": "{title}: nothing due",
        "closed": " (the salon is closed)",
        "no-calls-mail": "No calls are due today.",
        "column-client": "client",
        "column-why": "why · what to say",
        "held": "{rank} held",
        "overdue": ("{count} day overdue", "{count} days overdue"),
        "last-day": "last day",
        "tries": ("{count} try, no answer", "{count} tries, no answer"),
        "reply-by": "reply {deadline}",
        "notes": " ({notes})",
        "notes-join": "; ",
        "also": "Also: {topics}",
        "topics-join": "; ",
        "products-join": ", ",
        "calendar": "{salon} · calls",
        "calendar-event": "Call {name} · {phone}",
        "next-prompt": ("r reached  n no answer  c not convenient  x refused  w wrong number  "
                        "s skip  q quit > "),
        "next-when": "Call back when? (tomorrow / +3d / friday / YYYY-MM-DD; Enter: next open day) > ",
        "next-done": ("{made} call made, {reached} reached, {left} left",
                      "{made} calls made, {reached} reached, {left} left"),
        "unreadable": "could not work out {who}: fix {where} (salonctl check says more)",
    },
}


def say(language: str, key: str, count: int | None = None, **values: Any) -> str:
    """The message `key` in the salon's language, filled; `count` picks one or many."""
    message = CATALOG[language][key]
    if isinstance(message, tuple):
        number = count if count is not None else values.get("made", 0)
        message = message[0] if number == 1 else message[1]
    return message.format(count=count, **values)

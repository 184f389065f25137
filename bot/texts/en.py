"""English texts (second language). Keys and placeholders mirror th.py."""

MESSAGES: dict[str, str] = {
    "cmd.start": "Get started",
    "cmd.help": "How to use this bot",
    "start.welcome": (
        "Hello, and welcome to the integrity and transparency measures follow-up of {org}.\n\n"
        "Before every {meeting}, this bot asks each responsible division how its measures "
        "are progressing.\n\n"
        "Please use the invitation link your coordinator gave you to register."
    ),
    "help.text": (
        "<b>How to use this bot</b>\n"
        "/start – get started\n"
        "/help – how to use this bot\n\n"
        "For questions, please contact the coordinators at the Strategy and Budget Division."
    ),
    "error.generic": "Sorry, something went wrong. Please try again later.",
    "unknown.command": "Sorry, that command is not known. Type /help to see what you can use.",
    "plan.responsible_all": "Every division",
    "kb.measure_answered": "✅ Measure {seq} {title}",
    "kb.measure_owed": "✏️ Measure {seq} {title}",
    "org.default": "the municipality",
    "meeting.default": "monthly meeting of division heads",
}

"""English texts (second language). Keys and placeholders mirror th.py."""

MESSAGES: dict[str, str] = {
    "cmd.start": "Get started",
    "cmd.help": "How to use this bot",
    "cmd.whoami": "Your details and roles",
    "cmd.report": "Report progress on the measures",
    "cmd.cancel": "Cancel what you are doing",
    "cmd.summary": "Summary of the current round",
    "cmd.missing": "Divisions not fully reported",
    "cmd.history": "Status history of a measure or division, round by round",
    "cmd.export": "Export a report as a file",
    "cmd.meetings": "Meeting schedule",
    "cmd.members": "People in each division",
    "cmd.invite": "Create an invitation link",
    "cmd.revoke": "Remove a person's role",
    "cmd.privacy": "What personal data is kept",
    "cmd.mydata": "Get a copy of your stored data",
    "privacy.notice": (
        "<b>Personal data</b>\n\n"
        "<b>What is kept</b>: your Telegram name, username and user id, your language, your "
        "roles and divisions, the answers and evidence you send, the notices sent to you, and "
        "an audit log of what was done.\n\n"
        "<b>Why</b>: so that the municipality can follow up its integrity and transparency "
        "(ITA) measures, which is its duty.\n\n"
        "<b>Who sees it</b>: coordinators and admins see every division; heads and delegates "
        "see their own division's answers.\n\n"
        "<b>How long</b>: answers are official records and are kept; data about people who "
        "never enrolled is kept at most 90 days.\n\n"
        "<b>Your rights</b>: type /mydata for a copy of everything about you. To have your "
        "contact data removed once you no longer hold a role, ask a coordinator: your name and "
        "user id are then replaced by a pseudonym on the records that must stay."
    ),
    "mydata.caption": "Everything the bot keeps about you (a JSON file)",
    "throttle.slow_down": "You are sending very quickly. Please wait a moment, then try again.",
    "error.generic": "Sorry, something went wrong. Please try again later.",
    "unknown.command": "Sorry, that command is not known. Type /help to see what you can use.",
    "plan.responsible_all": "Every division",
    "kb.measure": "{icon} Measure {seq} {title}",
    "language.set": (
        "The bot will now write to you in English (type /language to switch back to Thai)."
    ),
    "cmd.language": "Switch language Thai/English",
    "auth.private_only": (
        "Sorry, please use this bot in a private chat with it, to keep the information "
        "confidential."
    ),
    "meeting.title": "{meeting}, {month}",
}

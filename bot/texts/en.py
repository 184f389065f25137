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

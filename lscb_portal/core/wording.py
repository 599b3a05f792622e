"""Small pieces of English the back office's messages share."""


def counted(number: int, noun: str) -> str:
    """ "1 subscriber", "3 subscribers": ``noun`` takes an "s" unless there is exactly one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def subscribers_emailed(number: int) -> str:
    """What a publication's message says of its emails: "3 subscribers were emailed."."""
    return f"{counted(number, 'subscriber')} {'was' if number == 1 else 'were'} emailed."

"""Exit codes and the one exception type commands raise.

0 ok, 1 the API refused (or could not be reached, or long work ended in a
failed state), 2 usage error, 3 not signed in.  ``main.run`` turns a
``CliError`` into one line on stderr and its exit code; no traceback.
"""
OK, REFUSED, USAGE, NOT_SIGNED_IN = 0, 1, 2, 3


class CliError(Exception):
    def __init__(self, message: str, code: int = REFUSED):
        super().__init__(message)
        self.message = message
        self.code = code


class ApiRefused(CliError):
    """The API answered with an error; ``status`` and ``error`` are its own."""

    def __init__(self, status: int, error: str, message: str, body=None):
        code = NOT_SIGNED_IN if status == 401 else REFUSED
        super().__init__(message, code)
        self.status, self.error, self.body = status, error, body


def usage(message: str) -> CliError:
    return CliError(message, USAGE)

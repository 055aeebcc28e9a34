"""Starts MiniStack (as `python -m ministack` does) with one correction the stack tests need.

MiniStack's warm Node workers report every handler error with errorType "Runtime.HandlerError".
AWS Lambda reports the error's name (SealNotConfiguredError, UploadRejected, ...), which Step
Functions puts in the state's Error for Retry and Catch to match, and which the digitize workflow
reads to give an upload its failure reason. Node writes that name at the head of the error's
stack ("Name: message"), and the worker hands the stack back in the invocation's log: this puts
the name back where AWS has it. See localstack/README.md, "Emulator quirks we work around".
"""
import re

from ministack.app import main
from ministack.services import lambda_svc

_execute_warm = lambda_svc._execute_function_warm


def _execute_warm_with_error_type(func, event, request_id):
    result = _execute_warm(func, event, request_id)
    body = result.get("body")
    if not (result.get("error") and isinstance(body, dict) and body.get("errorType") == "Runtime.HandlerError"):
        return result
    message = str(body.get("errorMessage") or "").split("\n", 1)[0]
    stack_head = re.search(r"^([A-Za-z_$][\w$]*): " + re.escape(message) + r"$", result.get("log") or "", re.MULTILINE)
    if message and stack_head:
        body["errorType"] = stack_head.group(1)
    return result


lambda_svc._execute_function_warm = _execute_warm_with_error_type
main()

"""The only place the Logger is created. Never log numbers, addresses, bodies or secrets.

Tracing is Lambda's own (`Tracing: Active` in the template): no X-Ray SDK ships in the layer. Its import
alone cost about 0.3 s of cold start, and it pulls in botocore (30 MB), which the runtime already has. No
Powertools Metrics either: what the alarms watch is Lambda's and SQS's own metrics (errors, throttles, queue
age, DLQ depth), which cost nothing to emit.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger()

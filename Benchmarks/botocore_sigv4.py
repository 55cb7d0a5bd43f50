"""The peer: botocore's SigV4Auth signing the same STS request as Benchmarks/SigV4Benchmark."""
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
body = b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600"
iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 20000


def sign_once():
    request = AWSRequest(
        method="POST",
        url="https://sts.us-east-1.amazonaws.com/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
    return request.headers["Authorization"]


best = 0.0
for _ in range(5):
    start = time.perf_counter()
    for _ in range(iterations):
        sign_once()
    best = max(best, iterations / (time.perf_counter() - start))
print(f"botocore_sigv4_per_second\t{int(best)}")

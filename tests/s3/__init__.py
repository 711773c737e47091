"""A real S3-compatible server for the object storage tests: S3Proxy with jclouds'
filesystem backend, from Maven Central only (``pom.xml``; ``make s3-server`` copies its jars
into ``target/lib``). Started on a free loopback port in a process group of its own and
stopped as a whole group, as the search engines are (``tests/engines``)."""

import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests import engines

HERE = Path(__file__).resolve().parent
TARGET = HERE / "target"
# What the tests sign with; S3Proxy checks every signature (AWS v2 and v4) against them.
ACCESS_KEY = "helpcenter-test"
SECRET_KEY = "helpcenter-test-secret"  # noqa: S105 - a throwaway server on loopback


def client(url: str):
    """A boto3 client of the server at ``url``, signing with the keys above. Checksums only
    where S3 requires them: S3Proxy refuses boto3's default CRC32 ones."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
        config=Config(request_checksum_calculation="when_required"),
    )


def missing() -> str:
    """Why S3Proxy cannot run here ("" when it can)."""
    if not shutil.which("java"):
        return "no Java (S3Proxy needs Java 17 or newer)"
    if not any((TARGET / "lib").glob("s3proxy-*.jar")):
        return "S3Proxy is not built: run `make s3-server` (Java 17+, Maven)"
    return ""


class S3Server(engines.Service):
    """S3Proxy: every request must be signed, so an anonymous one is refused (403); that it
    answers at all is the sign that it is up."""

    def wait_until_answering(self, timeout: float = engines.START_TIMEOUT) -> float:
        start = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(self.url, timeout=2)  # noqa: S310 - loopback only
                return time.monotonic() - start
            except urllib.error.HTTPError:
                return time.monotonic() - start
            except OSError:
                pass
            if not self.running or time.monotonic() - start > timeout:
                self.stop(kill=True)
                raise engines.EngineFailed(f"{self.name} did not start:\n{self.log_tail()}")
            time.sleep(0.2)


def server(home: Path, *, port: int = 0) -> S3Server:
    """S3Proxy (not started; ``start()`` it) keeping its buckets as folders in ``home``."""
    port = port or engines.free_port()
    (home / "buckets").mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    properties = home / "s3proxy.properties"
    properties.write_text(
        f"s3proxy.endpoint={url}\n"
        "s3proxy.authorization=aws-v2-or-v4\n"
        f"s3proxy.identity={ACCESS_KEY}\n"
        f"s3proxy.credential={SECRET_KEY}\n"
        "jclouds.provider=filesystem-nio2\n"
        # A local folder has no account; S3Proxy asks for these all the same.
        "jclouds.identity=local\n"
        "jclouds.credential=local\n"
        f"jclouds.filesystem.basedir={home / 'buckets'}\n",
        encoding="utf-8",
    )
    argv = [
        shutil.which("java") or "java",
        "-Xms64m",
        "-Xmx256m",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        f"-Dlogback.configurationFile={HERE / 'logback.xml'}",
        "-cp",
        str(TARGET / "lib" / "*"),
        "org.gaul.s3proxy.Main",
        "--properties",
        str(properties),
    ]
    return S3Server("s3proxy", argv, dict(os.environ), home / "s3proxy.log", url)

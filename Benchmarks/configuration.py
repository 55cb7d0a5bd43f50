"""What the benchmark scripts share: a Terraform configuration as the gzipped tar Airlock's API takes."""
import io, tarfile


def archive(text):
    """`text` as main.tf in a .tar.gz."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("main.tf")
        info.size = len(text.encode())
        tar.addfile(info, io.BytesIO(text.encode()))
    return buffer.getvalue()

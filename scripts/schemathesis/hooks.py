"""Schemathesis hooks for Airlock: configuration uploads are .tar.gz archives."""
import gzip
import io
import tarfile

import schemathesis
from hypothesis import strategies as st


def archive(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_./", min_size=1, max_size=20)
contents = st.binary(max_size=200)
uploads = st.one_of(
    st.just(archive({"main.tf": b'output "x" { value = 1 }\n'})),
    st.dictionaries(names, contents, max_size=4).map(lambda files: archive({"main.tf": b"", **files})),
    contents.map(gzip.compress),
    contents,
)
schemathesis.openapi.media_type("application/gzip", uploads)


#!/usr/bin/env python3
"""Writes a `docker save` archive (what `docker load`, `kind load image-archive` and Jib's `tar://` base read).

    docker_archive.py OUT.tar NAME:TAG LAYER...

Each LAYER is a tar file used as it is (e.g. a root filesystem from mmdebstrap), or DIR=/PATH: the directory's
contents packed as a layer under /PATH (owner root, modes kept, sorted, mtime 0: the same input gives the same
bytes). The image config sets PATH and JAVA_HOME for a runtime in /opt/java, user 10001 and working dir /app.
"""
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile


def dir_layer(src, dest, out_path):
    dest = dest.strip("/")
    with tarfile.open(out_path, "w", format=tarfile.PAX_FORMAT) as tar:
        parts = dest.split("/")
        for i in range(1, len(parts) + 1):   # the parent directories of dest
            d = tarfile.TarInfo("/".join(parts[:i]))
            d.type, d.mode, d.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(d)
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                path = os.path.join(root, name)
                arc = dest + "/" + os.path.relpath(path, src)
                info = tar.gettarinfo(path, arc)
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = 0
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, tag, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory() as tmp:
        layers = []
        for i, spec in enumerate(specs):
            if "=" in spec:
                src, dest = spec.split("=", 1)
                path = os.path.join(tmp, f"layer{i}.tar")
                dir_layer(src, dest, path)
            else:
                path = spec
            layers.append((path, sha256(path)))
        config = {
            "architecture": "amd64", "os": "linux",
            "config": {
                "Env": ["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
                "User": "10001:10001", "WorkingDir": "/app",
            },
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for _, d in layers]},
            "history": [{"created_by": "k8s/images/docker_archive.py " + os.path.basename(s)} for s in specs],
        }
        config_bytes = json.dumps(config, sort_keys=True).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": [f"{d}/layer.tar" for _, d in layers]}]
        with tarfile.open(out + ".tmp", "w", format=tarfile.PAX_FORMAT) as tar:
            def add_bytes(name, data):
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(data), 0, 0o644
                tar.addfile(info, io.BytesIO(data))
            add_bytes(config_name, config_bytes)
            for path, digest in layers:
                tar.add(path, arcname=f"{digest}/layer.tar")
            add_bytes("manifest.json", json.dumps(manifest).encode())
        os.replace(out + ".tmp", out)
    print(f"{out}: {tag}, {len(layers)} layers")


if __name__ == "__main__":
    main()

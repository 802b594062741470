#!/usr/bin/env python3
"""Tests of check_image.py on small synthetic `docker save` archives (no root, no network, about a second):
a well-formed gateway image passes, and each kind of defect the checker exists for is reported by name.

    python3 k8s/images/test_check_image.py        (bin/test-images runs it before building anything)
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_image  # noqa: E402

TAG = "otc/tool-gateway:test"
BASE = {"opt/java/bin/java": 0o755, "usr/bin/bwrap": 0o755, "usr/bin/prlimit": 0o755, "usr/bin/setpriv": 0o755,
        "usr/bin/python3": 0o755, "etc/passwd": 0o644}
APP = {"app/quarkus-run.jar": 0o644, "app/lib/main/x.jar": 0o644, "app/quarkus/quarkus-application.dat": 0o644}


def layer_bytes(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        dirs = sorted({"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)})
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for path, mode in files.items():
            data = b"otc:x:10001:10001::/app:/usr/sbin/nologin\n" if path == "etc/passwd" else b"x"
            info = tarfile.TarInfo(path)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def make_image(path, base=None, app=None, config=None, corrupt_diff_id=False):
    layers = [layer_bytes(BASE if base is None else base), layer_bytes(APP if app is None else app)]
    diff_ids = ["sha256:" + hashlib.sha256(b).hexdigest() for b in layers]
    if corrupt_diff_id:
        diff_ids[0] = "sha256:" + "0" * 64
    cfg = {"User": "10001", "WorkingDir": "/app", "Entrypoint": ["/opt/java/bin/java"],
           "Cmd": ["--add-modules", "jdk.incubator.vector", "-jar", "/app/quarkus-run.jar"]}
    cfg.update(config or {})
    config_bytes = json.dumps({"config": cfg, "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    with tarfile.open(path, "w") as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        add("config.json", config_bytes)
        names = []
        for i, b in enumerate(layers):
            names.append(f"layer{i}.tar.gz")
            add(names[-1], gzip.compress(b))
        add("manifest.json", json.dumps([{"Config": "config.json", "RepoTags": [TAG], "Layers": names}]).encode())


class CheckImageTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "image.tar")

    def tearDown(self):
        self.dir.cleanup()

    def problems(self, **kw):
        make_image(self.path, **kw)
        return "\n".join(check_image.check(self.path, TAG, gateway=True, run=False))

    def test_a_well_formed_gateway_image_passes(self):
        self.assertEqual("", self.problems())

    def test_root_user_is_reported(self):
        self.assertIn("runs as user '0'", self.problems(config={"User": "0"}))

    def test_wrong_entrypoint_and_arguments_are_reported(self):
        p = self.problems(config={"Entrypoint": ["/bin/sh"], "Cmd": ["-c", "java"]})
        self.assertIn("entrypoint ['/bin/sh']", p)
        self.assertIn("do not end with -jar /app/quarkus-run.jar", p)

    def test_a_missing_sandbox_program_is_reported(self):
        base = dict(BASE)
        del base["usr/bin/bwrap"]
        self.assertIn("no /usr/bin/bwrap", self.problems(base=base))

    def test_a_setuid_bwrap_is_reported(self):
        self.assertIn("setuid", self.problems(base=dict(BASE, **{"usr/bin/bwrap": 0o4755})))

    def test_a_layer_that_does_not_match_its_diff_id_is_reported(self):
        self.assertIn("differs from the config's diff_id", self.problems(corrupt_diff_id=True))

    def test_the_app_layer_must_hold_the_fast_jar_only(self):
        p = self.problems(app=dict(APP, **{"etc/shadow": 0o600}))
        self.assertIn("fast-jar under /app only", p)
        app = dict(APP)
        del app["app/quarkus-run.jar"]
        self.assertIn("lacks /app/quarkus-run.jar", self.problems(app=app))

    def test_a_wrong_tag_and_a_non_archive_are_reported(self):
        make_image(self.path)
        self.assertIn("expected otc/tool-gateway:other",
                      "\n".join(check_image.check(self.path, "otc/tool-gateway:other", gateway=True, run=False)))
        with open(self.path, "wb") as f:
            f.write(b"not a tar")
        self.assertIn("not a tar archive", "\n".join(check_image.check(self.path, TAG, gateway=True, run=False)))
        self.assertIn("no such file", "\n".join(check_image.check(self.path + ".absent", TAG, gateway=True, run=False)))


if __name__ == "__main__":
    unittest.main(verbosity=1)

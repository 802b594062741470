#!/usr/bin/env python3
"""Checks a service image that the build wrote as a `docker save` archive (Jib buildTar), without a container runtime.

    check_image.py IMAGE.tar NAME:TAG [--gateway] [--run]

Fails (exit 1, one line per problem, each naming the image and what is wrong) unless:
  * the archive is a valid docker-save archive: manifest.json with one image tagged NAME:TAG, its config file, every
    layer it lists, and each layer's uncompressed SHA-256 equal to the config's diff_id (what `docker load` checks);
  * the config runs as user 10001 in /app with entrypoint /opt/java/bin/java and `-jar /app/quarkus-run.jar`;
  * the last layer is the service's Quarkus fast-jar under /app (quarkus-run.jar, lib/, quarkus/) and nothing else;
  * the base has the Java runtime (/opt/java/bin/java) and the user otc (uid 10001) in /etc/passwd;
  * --gateway: the code sandbox's programs are there: bwrap (not setuid), prlimit, setpriv, python3;
  * --run (root only): the layers unpacked into a temporary folder, `java -version` and (--gateway) `python3` and
    `bwrap --version` run in it as uid 10001 (own pid and mount namespaces, /proc, /dev, chroot), so the runtime
    works on the image's own libraries.
"""
import gzip
import hashlib
import json
import os
import posixpath
import shutil
import subprocess
import sys
import tarfile
import tempfile

JAVA = "opt/java/bin/java"
SANDBOX = ["usr/bin/bwrap", "usr/bin/prlimit", "usr/bin/setpriv", "usr/bin/python3"]


def member_path(name):
    """A layer entry's path in the image, relative to / ("./usr/bin/" -> "usr/bin")."""
    while name.startswith("./") or name.startswith("/"):
        name = name[1:] if name.startswith("/") else name[2:]
    return posixpath.normpath(name) if name not in ("", ".") else "."


def layer_stream(outer, name):
    """The layer's uncompressed bytes as a file object (Jib writes gzip layers, docker_archive.py plain ones)."""
    f = outer.extractfile(name)
    head = f.read(2)
    f.seek(0)
    return gzip.GzipFile(fileobj=f) if head == b"\x1f\x8b" else f


def check(path, tag, gateway, run):
    """The problems of the image archive at path (empty: it passes), each naming the archive."""
    if not os.path.isfile(path):
        return [f"{path}: no such file (did the Jib execution run?)"]
    try:
        outer = tarfile.open(path)
    except tarfile.TarError as e:
        return [f"{path}: not a tar archive: {e}"]
    with outer:
        return check_archive(path, outer, tag, gateway, run)


def check_archive(path, outer, tag, gateway, run):
    """check() on an open archive."""
    problems = []

    def fail(msg):
        problems.append(f"{path}: {msg}")

    names = set(outer.getnames())
    if "manifest.json" not in names:
        return [f"{path}: no manifest.json: not a docker-save archive"]
    manifest = json.load(outer.extractfile("manifest.json"))
    if not isinstance(manifest, list) or len(manifest) != 1:
        return [f"{path}: manifest.json must describe exactly one image, has {len(manifest)}"]
    m = manifest[0]
    if tag not in (m.get("RepoTags") or []):
        fail(f"tagged {m.get('RepoTags')}, expected {tag}")
    missing = [n for n in [m.get("Config")] + m.get("Layers", []) if n not in names]
    if missing:
        return problems + [f"{path}: manifest.json names files the archive lacks: {missing}"]
    config = json.load(outer.extractfile(m["Config"]))
    c = config.get("config", {})
    user = str(c.get("User", ""))
    if user.split(":")[0] != "10001":
        fail(f"runs as user {user!r}, expected 10001 (non-root)")
    if c.get("WorkingDir") != "/app":
        fail(f"working directory {c.get('WorkingDir')!r}, expected /app")
    if c.get("Entrypoint") != ["/" + JAVA]:
        fail(f"entrypoint {c.get('Entrypoint')}, expected ['/{JAVA}']")
    cmd = c.get("Cmd") or []
    if cmd[-2:] != ["-jar", "/app/quarkus-run.jar"]:
        fail(f"arguments {cmd} do not end with -jar /app/quarkus-run.jar")
    diff_ids = config.get("rootfs", {}).get("diff_ids", [])
    if len(diff_ids) != len(m["Layers"]):
        fail(f"{len(m['Layers'])} layers but {len(diff_ids)} diff_ids in the config")

    files = {}          # path in the image -> TarInfo of the last layer that wrote it
    last_layer = set()
    for i, name in enumerate(m["Layers"]):
        h = hashlib.sha256()
        raw = layer_stream(outer, name)

        class Hashing:   # hashes what tarfile reads, so each layer is decompressed once
            def read(self, n=-1):
                b = raw.read(n)
                h.update(b)
                return b

        try:
            with tarfile.open(fileobj=Hashing(), mode="r|") as layer:
                for info in layer:
                    p = member_path(info.name)
                    base = posixpath.basename(p)
                    if base.startswith(".wh."):
                        files.pop(posixpath.join(posixpath.dirname(p), base[4:]), None)
                        continue
                    files[p] = info
                    if i == len(m["Layers"]) - 1:
                        last_layer.add(p)
            while Hashing().read(1 << 20):   # the tar's end padding counts too
                pass
        except (tarfile.TarError, OSError, EOFError) as e:
            fail(f"layer {name} is not a readable tar: {e}")
            continue
        if i < len(diff_ids) and "sha256:" + h.hexdigest() != diff_ids[i]:
            fail(f"layer {name}: uncompressed sha256 {h.hexdigest()} differs from the config's diff_id {diff_ids[i]}")

    outside = sorted(p for p in last_layer if p != "app" and not p.startswith("app/") and p != ".")
    if outside:
        fail(f"the last layer should be the fast-jar under /app only, also has {outside[:5]}")
    for need in ["app/quarkus-run.jar", "app/lib", "app/quarkus"]:
        if need not in last_layer:
            fail(f"the last layer lacks /{need} (the service's target/quarkus-app)")
    if JAVA not in files:
        fail(f"no /{JAVA}: the base lacks the Java runtime")
    if gateway:
        for p in SANDBOX:
            if p not in files:
                fail(f"no /{p}: the gateway's base lacks what the code sandbox needs")
        bwrap = files.get("usr/bin/bwrap")
        if bwrap is not None and bwrap.mode & 0o4000:
            fail("/usr/bin/bwrap is setuid: the sandbox must not rely on a setuid helper")
    passwd = files.get("etc/passwd")
    if passwd is None:
        fail("no /etc/passwd")
    if problems:
        return problems
    if run:
        problems += run_in_image(path, outer, m["Layers"], gateway)
    return problems


def run_in_image(path, outer, layers, gateway):
    """Unpacks the layers (in order) and runs the image's own programs in it as uid 10001."""
    if os.geteuid() != 0:
        return [f"{path}: --run needs root (unshare, mount, chroot)"]
    problems = []
    root = tempfile.mkdtemp(prefix="otc-image-")
    try:
        for name in layers:
            with tarfile.open(fileobj=layer_stream(outer, name), mode="r|") as layer:
                for info in layer:
                    if info.isdev() or member_path(info.name).startswith("dev/"):
                        continue
                    layer.extract(info, root, set_attrs=True, numeric_owner=True, filter="fully_trusted") \
                        if sys.version_info >= (3, 12) else layer.extract(info, root, set_attrs=True, numeric_owner=True)
        with open(os.path.join(root, "etc/passwd")) as f:
            if not any(line.split(":")[2:3] == ["10001"] for line in f):
                problems.append(f"{path}: /etc/passwd has no user with uid 10001")
        checks = [["/" + JAVA, "-version"]]
        if gateway:
            checks += [["/usr/bin/python3", "-c", "print(6 * 7)"], ["/usr/bin/bwrap", "--version"]]
        os.makedirs(os.path.join(root, "proc"), exist_ok=True)
        os.makedirs(os.path.join(root, "dev"), exist_ok=True)
        # What a container runtime gives a process: its own pid and mount namespaces, a /proc (the JVM's launcher
        # finds its libraries through /proc/self/exe) and /dev, then the image's root as uid 10001.
        enter = ('root="$1"; shift; mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && '
                 'exec chroot --userspec=10001:10001 "$root" "$@"')
        for argv in checks:
            r = subprocess.run(["unshare", "--fork", "--pid", "--mount", "sh", "-c", enter, "sh", root] + argv,
                               capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                problems.append(f"{path}: `{' '.join(argv)}` in the image exited {r.returncode}: "
                                f"{(r.stderr or r.stdout).strip()[:300]}")
            elif argv[-1] == "print(6 * 7)" and r.stdout.strip() != "42":
                problems.append(f"{path}: python3 in the image printed {r.stdout.strip()!r}, expected 42")
            else:
                print(f"{path}: ran {argv[0]}: {(r.stdout or r.stderr).strip().splitlines()[0]}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return problems


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    unknown = flags - {"--gateway", "--run"}
    if len(args) != 2 or unknown:
        sys.exit(__doc__)
    problems = check(args[0], args[1], "--gateway" in flags, "--run" in flags)
    for p in problems:
        print("check_image: " + p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_image: {args[0]} ({args[1]}) OK")


if __name__ == "__main__":
    main()

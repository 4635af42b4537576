#!/usr/bin/env python3
"""Builds the container base image for builds and tests here, where no registry is reachable.

A jlinked Java runtime (from the JDK that runs Maven) plus exactly the shared libraries it loads
(ldd, from the build machine's Debian packages), /etc/passwd with the non-root user 65532, a
sticky /tmp and the CA certificates, written as a `docker save` tarball that Jib takes as
`tar://...` base. Real builds use a pinned public JRE image instead (-Dpypub.image.base=...).

usage: jlink-base.py JAVA_HOME MODULES OUT.tar
"""
import hashlib, io, json, os, shutil, subprocess, sys, tarfile, tempfile

java_home, modules, out = sys.argv[1], sys.argv[2], sys.argv[3]
work = tempfile.mkdtemp(prefix="pypub-base-")
try:
    root = os.path.join(work, "rootfs")
    jre = os.path.join(root, "opt/java")
    os.makedirs(os.path.dirname(jre))
    subprocess.run([os.path.join(java_home, "bin/jlink"), "--add-modules", modules, "--strip-debug",
                    "--no-header-files", "--no-man-pages", "--compress=2", "--output", jre], check=True)
    # Debian's JDK links its CA store to /etc/ssl/certs/java/cacerts; the image carries a copy.
    cacerts = os.path.join(jre, "lib/security/cacerts")
    source = os.path.realpath(os.path.join(java_home, "lib/security/cacerts"))
    if os.path.islink(cacerts) or not os.path.exists(cacerts):
        if os.path.lexists(cacerts):
            os.remove(cacerts)
        shutil.copyfile(source, cacerts)

    # java.desktop (java.beans, used by libraries) brings AWT: a server is headless, so drop what links X11 and sound.
    for name in ("libawt_xawt.so", "libsplashscreen.so", "libjsound.so", "libjawt.so", "libfontmanager.so",
                 "liblcms.so", "libjavajpeg.so", "libmlib_image.so"):
        path = os.path.join(jre, "lib", name)
        if os.path.exists(path):
            os.remove(path)

    # The shared libraries the runtime's binaries need, at the paths the dynamic loader looks in.
    libs = set()
    for d, _, files in os.walk(jre):
        for f in files:
            p = os.path.join(d, f)
            if f.endswith(".so") or d.endswith("/bin"):
                r = subprocess.run(["ldd", p], capture_output=True, text=True)
                for line in r.stdout.splitlines():
                    parts = line.split()
                    path = next((x for x in parts if x.startswith("/")), None)
                    if path and os.path.exists(path) and not path.startswith(work):
                        libs.add(path)
    # Name resolution (getaddrinfo) loads these at run time, not at link time.
    for extra in ("libnss_files.so.2", "libnss_dns.so.2", "libresolv.so.2"):
        for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"):
            if os.path.exists(os.path.join(d, extra)):
                libs.add(os.path.join(d, extra))
                break
    # Each library under its soname (the name the loader asks for) in its real folder (merged /usr).
    loader = None
    for lib in sorted(libs):
        folder = os.path.realpath(os.path.dirname(lib))
        target = os.path.join(root, folder.lstrip("/"), os.path.basename(lib))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            shutil.copyfile(os.path.realpath(lib), target)
            os.chmod(target, 0o755)
        if os.path.basename(lib).startswith("ld-linux"):
            loader = os.path.join(folder, os.path.basename(lib))
    # The loader's path is compiled into every binary: /lib64/ld-linux-x86-64.so.2, with /lib64 -> usr/lib64.
    os.makedirs(os.path.join(root, "usr/lib64"), exist_ok=True)
    if not os.path.lexists(os.path.join(root, "usr/lib64", os.path.basename(loader))):
        os.symlink(os.path.relpath(loader, "/usr/lib64"), os.path.join(root, "usr/lib64", os.path.basename(loader)))
    for link, to in (("lib", "usr/lib"), ("lib64", "usr/lib64"), ("bin", "usr/bin")):
        os.makedirs(os.path.join(root, to), exist_ok=True)
        os.symlink(to, os.path.join(root, link))

    etc = os.path.join(root, "etc")
    os.makedirs(etc, exist_ok=True)
    with open(os.path.join(etc, "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
    with open(os.path.join(etc, "group"), "w") as f:
        f.write("root:x:0:\nnonroot:x:65532:\n")
    with open(os.path.join(etc, "nsswitch.conf"), "w") as f:
        f.write("hosts: files dns\n")
    os.makedirs(os.path.join(root, "etc/ssl/certs/java"), exist_ok=True)
    shutil.copyfile(cacerts, os.path.join(root, "etc/ssl/certs/java/cacerts"))
    for d, mode in (("tmp", 0o1777), ("home/nonroot", 0o755), ("proc", 0o555), ("dev", 0o755)):
        os.makedirs(os.path.join(root, d), exist_ok=True)
        os.chmod(os.path.join(root, d), mode)

    def owner(ti):
        ti.mtime = 0
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = ""
        if ti.name in ("home/nonroot",):
            ti.uid = ti.gid = 65532
        return ti

    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
        for d, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                p = os.path.join(d, name)
                t.add(p, arcname=os.path.relpath(p, root), recursive=False, filter=owner)
    layer_bytes = layer.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
    config = {
        "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
                   "User": "65532:65532", "WorkingDir": "/home/nonroot"},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "deploy/container/jlink-base.py " + modules}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["pypub-jlink-base:local"], "Layers": ["layer.tar"]}]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tarfile.open(out + ".part", mode="w") as t:
        for name, data in ((config_name, config_bytes), ("layer.tar", layer_bytes),
                           ("manifest.json", json.dumps(manifest).encode())):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    os.replace(out + ".part", out)
    print(f"base image {out}: {len(layer_bytes) // (1024 * 1024)} MiB layer, {len(libs)} shared libraries, modules {modules}")
finally:
    shutil.rmtree(work, ignore_errors=True)

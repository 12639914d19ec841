"""write_to_fifo.py COMMAND...: a command's `-o` output can be a pipe.

Makes a FIFO in a fresh directory, reads it on a thread, and runs COMMAND
with every `{fifo}` replaced by the FIFO's path. Exits 1 unless the command
succeeded, something arrived through the pipe, and the path is still a FIFO
afterwards (an output written to a temporary and renamed into place would
have replaced it with a regular file), and prints how many bytes came.
"""
import os
import stat
import subprocess
import sys
import tempfile
import threading

work = tempfile.mkdtemp(prefix="voskhod-fifo-")
fifo = os.path.join(work, "out")
os.mkfifo(fifo)
received = []


def drain():
    with open(fifo, "rb") as f:
        received.append(f.read())


reader = threading.Thread(target=drain)
reader.start()
cmd = [arg.replace("{fifo}", fifo) for arg in sys.argv[1:]]
status = subprocess.run(cmd).returncode
# If the command never opened the pipe, the reader still waits in open():
# open it for writing without blocking, which lets the reader through (and
# fails, harmlessly, once no reader has it open). A blocking open here
# would wait forever for a reader that has already finished.
while reader.is_alive():
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass
    reader.join(0.01)
still_fifo = stat.S_ISFIFO(os.stat(fifo).st_mode)
size = len(received[0]) if received else 0
print("status %d, %d bytes through the pipe, %s" %
      (status, size, "still a fifo" if still_fifo else "REPLACED by a file"))
sys.exit(0 if status == 0 and size > 0 and still_fifo else 1)

//! A file's bytes as the readers see them: memory-mapped when it comes from
//! disk (a file of several gigabytes costs no copy, and the fast readers
//! keep it to read a record again on demand), or owned when handed over in
//! memory. Only regular files are read: a FIFO, a device, a socket or a
//! directory is refused at once with what it is, never waited on or read
//! without end. And before reading, what the file will need in memory is
//! weighed against what the machine has.

use std::fs::File;
use std::io;
use std::path::Path;

/// The bytes of a file.
pub enum FileBytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Owned(v) => v,
        }
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileBytes({} bytes)", self.len())
    }
}

/// What a path names, when it is not a regular file.
pub fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    Some(if t.is_file() {
        return None;
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    })
}

/// Opens a regular file for reading, without ever blocking on the open (a
/// FIFO would wait for a writer): anything else is an error that says what
/// it is.
pub fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    use std::os::unix::fs::OpenOptionsExt;
    // Looked at first, so that a FIFO is never opened at all; then checked
    // again on the open file, in case it was swapped in between.
    let meta = std::fs::metadata(path)?;
    if let Some(kind) = kind_of(&meta) {
        return Err(not_a_file(kind));
    }
    const O_NONBLOCK: i32 = 0o4000;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = kind_of(&meta) {
        return Err(not_a_file(kind));
    }
    Ok((file, meta.len()))
}

fn not_a_file(kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {kind}, not a file"),
    )
}

/// A regular file's bytes, refused when larger than `limit` (`raise`
/// says how to allow more).
pub fn read_limited(path: &Path, limit: u64, raise: &str) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let (file, len) = open_regular(path)?;
    let too_big = |len: u64| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is {}, larger than the {} this app reads ({raise})",
                human_bytes(len),
                human_bytes(limit)
            ),
        )
    };
    if len > limit {
        return Err(too_big(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // Read to the limit only, should the file grow meanwhile.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The first `n` bytes of a regular file, and its size.
pub fn head(path: &Path, n: usize) -> io::Result<(Vec<u8>, u64)> {
    use std::io::Read;
    let (file, len) = open_regular(path)?;
    let mut head = Vec::with_capacity(n);
    file.take(n as u64).read_to_end(&mut head)?;
    Ok((head, len))
}

/// Maps a regular file into memory.
pub fn map(path: &Path) -> io::Result<FileBytes> {
    let (file, len) = open_regular(path)?;
    if len == 0 {
        return Ok(FileBytes::Owned(Vec::new()));
    }
    // SAFETY: the map is read-only. A file truncated by another program
    // while mapped would fault; the readers take that risk, as ripgrep and
    // GDAL do, to read gigabytes without copying them.
    // Populated at once: the kernel maps every page in one go, faster than a
    // fault a page while the readers go through it.
    // Not when its start already says it is not text (a NUL byte): a
    // sparse file of gigabytes is then refused having read one page.
    let mut head = [0u8; 1 << 16];
    let n = io::Read::read(&mut &file, &mut head).unwrap_or(0);
    let mut options = memmap2::MmapOptions::new();
    if memchr::memchr(0, &head[..n]).is_none() {
        options.populate();
    }
    let map = unsafe { options.map(&file)? };
    Ok(FileBytes::Mapped(map))
}

/// Memory the machine has free for new data, in bytes, if it says.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    info.lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// `n` bytes for people: "3.2 GB", "640 MB", "12 kB".
pub fn human_bytes(n: u64) -> String {
    // Binary units, named as such: the limits are powers of two, and a
    // limit of 64 MiB must not read as "67 MB".
    let n = n as f64;
    let (k, m, g) = (1024.0, 1024.0 * 1024.0, 1024.0 * 1024.0 * 1024.0);
    if n >= g {
        format!("{:.1} GiB", n / g)
    } else if n >= m {
        format!("{:.0} MiB", n / m)
    } else {
        format!("{:.0} KiB", (n / k).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_opened_and_nothing_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_regular(dir.path()).unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        // Returns at once: a FIFO with no writer is never opened.
        let err = open_regular(&fifo).unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
        let err = open_regular(Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("character device"), "{err}");
        let file = dir.path().join("a.csv");
        std::fs::write(&file, "a,b\n1,2\n").unwrap();
        assert_eq!(&*map(&file).unwrap(), b"a,b\n1,2\n");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
        assert_eq!(human_bytes(64 << 20), "64 MiB");
        assert_eq!(human_bytes(100), "1 KiB");
    }
}

//! Unpredictable identifiers: Weavr auth tokens and `request-ref` values.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// `bytes` random bytes as lower-case hex. Reads the system's random source and, should
/// that fail, falls back to std's randomly keyed hasher (good enough for a sandbox).
pub fn hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut file| file.read_exact(&mut buffer))
        .is_ok();
    if !from_os {
        fill_from_hasher(&mut buffer);
    }
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

fn fill_from_hasher(buffer: &mut [u8]) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    for chunk in buffer.chunks_mut(8) {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        hasher.write_u128(nanos);
        let value = hasher.finish().to_le_bytes();
        chunk.copy_from_slice(&value[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_are_hex_and_differ() {
        let a = super::hex(16);
        let b = super::hex(16);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        let mut fallback = [0u8; 12];
        super::fill_from_hasher(&mut fallback);
        assert_ne!(fallback, [0u8; 12]);
    }
}

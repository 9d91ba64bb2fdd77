//! Demo data (filled below).

//! Passwords as NIST SP 800-63B-4 asks: at least 15 characters for a password used alone, at
//! least 8 for one used with a second factor (TOTP), at most 128 (so hashing time stays
//! bounded), any characters including spaces, no composition rules, and never one that is
//! common, a run of one character or a sequence, or the login or name itself.

pub const MIN_LEN: usize = 15;
/// The shortest password of a user who has a second factor.
pub const MIN_LEN_WITH_SECOND_FACTOR: usize = 8;
pub const MAX_LEN: usize = 128;

/// Passwords of 8–14 characters at the top of breach corpora and guessing lists, Indonesian
/// ones among them; only users with a second factor may have passwords this short.
const COMMON_SHORT: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "1q2w3e4r",
    "1qaz2wsx",
    "iloveyou",
    "sayangku",
    "bismillah",
    "indonesia",
    "indonesia1",
    "pancasila",
    "merdeka45",
    "jakarta123",
    "admin123",
    "admin1234",
    "administrator",
    "welcome1",
    "changeme",
    "letmein1",
    "rahasia123",
    "katasandi",
    "passw0rd",
    "p@ssw0rd",
    "bkpsdm123",
];

/// Passwords of 15 or more characters that show up in breach corpora and guessing lists,
/// Indonesian ones among them (lowercase; compared without spaces).
const COMMON: &[&str] = &[
    "passwordpassword",
    "password1234567",
    "password12345678",
    "123456789012345",
    "1234567890123456",
    "qwertyuiopasdfg",
    "qwertyuiopasdfgh",
    "qwertyuiopasdfghjkl",
    "1q2w3e4r5t6y7u8i",
    "1qaz2wsx3edc4rfv",
    "zaq12wsxcde34rfv",
    "iloveyouiloveyou",
    "bismillahirrahmanirrahim",
    "bismillahhirrohmanirrohim",
    "assalamualaikum",
    "assalamualaikumwarahmatullahiwabarakatuh",
    "alhamdulillahirabbilalamin",
    "indonesiaraya1945",
    "merdekamerdeka17",
    "indonesiamerdeka",
    "indonesia1234567",
    "pancasila1234567",
    "garudaindonesia1",
    "sayangkusayangku",
    "akusayangkamu123",
    "jakartajakarta12",
    "administrator123",
    "administrator1234",
    "adminadminadmin1",
    "superadmin123456",
    "welcome123456789",
    "changemechangeme",
    "letmeinletmein12",
    "cakapcakapcakap1",
    "kepegawaian12345",
    "bkpsdmbkpsdm1234",
];

/// Why `password` is refused for the user `login` named `name` who has no second factor, or None.
pub fn problem(password: &str, login: &str, name: &str) -> Option<String> {
    problem_for(password, login, name, false)
}

/// The shortest password allowed: 8 characters with a second factor, 15 alone.
#[must_use]
pub fn min_len(second_factor: bool) -> usize {
    if second_factor { MIN_LEN_WITH_SECOND_FACTOR } else { MIN_LEN }
}

/// Why `password` is refused, or None; `second_factor` says whether the user has TOTP.
pub fn problem_for(password: &str, login: &str, name: &str, second_factor: bool) -> Option<String> {
    let n = password.chars().count();
    let min = min_len(second_factor);
    if n < min {
        let hint = if second_factor { "" } else { " (boleh berupa kalimat, mis. tiga kata dan angka; 8 karakter cukup bila verifikasi dua langkah aktif)" };
        return Some(format!("kata sandi minimal {min} karakter{hint}"));
    }
    if n > MAX_LEN {
        return Some(format!("kata sandi maksimal {MAX_LEN} karakter"));
    }
    let squeezed: String = password.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = squeezed.chars().collect();
    if COMMON.contains(&squeezed.as_str()) || COMMON_SHORT.contains(&squeezed.as_str()) {
        return Some("kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain".into());
    }
    let distinct = {
        let mut c = chars.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    if distinct <= 3 {
        return Some("kata sandi terlalu berulang; gunakan lebih banyak huruf dan angka yang berbeda".into());
    }
    let step = |a: char, b: char| b as i64 - a as i64;
    if chars.windows(2).all(|w| step(w[0], w[1]) == 1) || chars.windows(2).all(|w| step(w[0], w[1]) == -1) {
        return Some("kata sandi berupa urutan (mis. 123456… atau abcdef…); pilih yang lain".into());
    }
    let login = login.trim().to_lowercase();
    let name: String = name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    if (login.chars().count() >= 3 && squeezed.contains(&login)) || (name.chars().count() >= 3 && squeezed.contains(&name)) {
        return Some("kata sandi tidak boleh memuat nama pengguna atau nama Anda".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{problem, problem_for};

    /// The defect: passwords of 8 characters such as `password` or the login were accepted.
    #[test]
    fn short_common_and_personal_passwords_are_refused() {
        assert!(problem("password", "budi", "Budi").unwrap().contains("minimal 15"));
        assert!(problem("budi.santoso", "budi.santoso", "Budi").unwrap().contains("minimal 15"));
        assert!(problem("Password Password", "x", "y").unwrap().contains("terlalu umum"));
        assert!(problem("aaaaaaaaaaaaaaaa", "x", "y").unwrap().contains("berulang"));
        assert!(problem("abababababababab", "x", "y").unwrap().contains("berulang"));
        assert!(problem("123456789012345", "x", "y").is_some());
        assert!(problem("abcdefghijklmnop", "x", "y").unwrap().contains("urutan"));
        assert!(problem("budi.santoso2026!", "budi.santoso", "Budi Santoso").unwrap().contains("nama pengguna"));
        assert!(problem("xxBudiSantoso9999", "bs", "Budi Santoso").unwrap().contains("nama"));
        assert!(problem(&"k".repeat(129), "x", "y").unwrap().contains("maksimal 128"));
    }

    #[test]
    fn a_second_factor_allows_eight_characters_but_not_common_ones() {
        assert!(problem("kopi-2026", "budi", "Budi").unwrap().contains("minimal 15"));
        assert_eq!(problem_for("kopi-2026", "budi", "Budi", true), None);
        assert!(problem_for("kopi-26", "budi", "Budi", true).unwrap().contains("minimal 8"));
        assert!(problem_for("password", "budi", "Budi", true).unwrap().contains("terlalu umum"));
        assert!(problem_for("P@ssw0rd", "budi", "Budi", true).unwrap().contains("terlalu umum"));
        assert!(problem_for("12345678", "budi", "Budi", true).is_some());
        assert!(problem_for("budi2026", "budi", "Budi", true).unwrap().contains("nama pengguna"));
    }

    #[test]
    fn long_passphrases_pass() {
        assert_eq!(problem("kopi pagi di serang", "budi", "Budi"), None);
        assert_eq!(problem("cakap-demo-2026", "admin.medan", "Admin Medan"), None);
        assert_eq!(problem("Sandi Uji Yang Panjang 1", "x", "y"), None);
    }
}

//! E-mail of notifications over SMTP (lettre), when the server is given an SMTP address; and the
//! loop that writes session reminders and sends what waits. In-app notifications never depend
//! on it: a notification is written with the change it reports, and e-mailed afterwards.

use cakap_domain::learning::notice::NoticeKind;
use cakap_store::Store;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Most notifications one pass e-mails.
const BATCH: u64 = 50;

/// An SMTP connection's settings and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Cakap's address as people reach it, for the links in e-mails (`--public-url`).
    public_url: String,
}

impl Mailer {
    /// From an SMTP URL (`smtp://user:pass@host:587?tls=required`, `smtps://host`, or
    /// `smtp://127.0.0.1:2525` for a relay on the machine) and the sender's address.
    pub fn new(url: &str, from: &str, public_url: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("alamat SMTP tidak valid: {e}"))?.build();
        let from: Mailbox = from.parse().map_err(|e| format!("alamat pengirim tidak valid: {e}"))?;
        Ok(Mailer { transport, from, public_url: public_url.trim_end_matches('/').to_string() })
    }

    /// E-mails the notifications that wait, oldest first; how many went. A message the server
    /// refuses for good (a bad address) is marked so it is not retried; a connection failure
    /// stops the pass, to be retried on the next.
    pub async fn deliver_pending(&self, store: &Store) -> Result<usize, String> {
        let pending = cakap_store::learning::outbox::pending_email(store, BATCH).await.map_err(|e| e.to_string())?;
        let mut sent = 0;
        for n in pending {
            let subject = format!("[Cakap] {}", NoticeKind::from_code(&n.kind).map_or("Pemberitahuan", |k| k.label()));
            let link = if self.public_url.is_empty() { String::new() } else { format!("\n\nBuka: {}{}", self.public_url, n.link) };
            let body = format!("Yth. {},\n\n{}{link}\n\nPesan ini dikirim otomatis oleh Cakap; jangan membalas.", n.name, n.body);
            // The display name as a name, not parsed (names carry titles with commas: "Ahmad
            // Suryana, S.Kom.").
            let to = n.email.trim().parse::<lettre::Address>().map(|a| Mailbox::new(Some(n.name.replace(['\r', '\n'], " ")), a));
            let msg = to
                .map_err(|e| e.to_string())
                .and_then(|to| Message::builder().from(self.from.clone()).to(to).subject(subject).body(body).map_err(|e| e.to_string()));
            match msg {
                Ok(m) => match self.transport.send(m).await {
                    Ok(_) => sent += 1,
                    Err(e) if e.is_permanent() => tracing::warn!(notification = n.id, "e-mail refused: {e}"),
                    Err(e) => return Err(format!("SMTP: {e}")),
                },
                Err(e) => tracing::warn!(notification = n.id, "e-mail not built: {e}"),
            }
            cakap_store::learning::outbox::mark_emailed(store, n.tenant_id, n.id, cakap_store::now()).await.map_err(|e| e.to_string())?;
        }
        Ok(sent)
    }
}

/// One pass of the notification work: reminders of tomorrow's sessions, then e-mail.
pub async fn pass(store: &Store, mailer: Option<&Mailer>) -> Result<(usize, usize), String> {
    let reminded = cakap_store::learning::outbox::remind_due(store, cakap_store::now()).await.map_err(|e| e.to_string())?;
    let sent = match mailer {
        Some(m) => m.deliver_pending(store).await?,
        None => 0,
    };
    Ok((reminded, sent))
}

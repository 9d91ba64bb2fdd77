//! Demo JP ledger: this year's riwayat diklat of each region's staff, shaped as the seeds tell it
//! (webinars, bimtek, e-learning; many staff short of 20 JP), so the plan's "below 20 JP" rule and
//! the compliance figures have something to show.

use cakap_domain::learning::jp::JpSource;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::Rng;
use crate::entity::{employee, jp_entry};
use crate::error::Result;
use crate::ids::next_id;

/// (title, JP) of the courses the demo's riwayat draws from.
const COURSES: [(&str, i32); 8] = [
    ("Webinar Reformasi Birokrasi dan Budaya Kerja BerAKHLAK", 2),
    ("E-Learning Literasi Digital ASN", 8),
    ("Bimbingan Teknis Penyusunan SKP", 6),
    ("Sosialisasi Pengelolaan Arsip Dinamis", 4),
    ("Pelatihan Pelayanan Prima", 16),
    ("Kursus Microsoft Excel untuk Pengolahan Data", 12),
    ("Seminar Inovasi Pelayanan Publik", 3),
    ("Workshop Penyusunan Standar Pelayanan", 10),
];

/// About a quarter of the staff with no JP yet this year, half with some, a quarter at 20 or
/// more. Its own generator, so the rest of the demo is unchanged by it.
pub(super) async fn load<C: ConnectionTrait>(db: &C, t: i64, year: i32, seed: u64) -> Result<()> {
    let mut rng = Rng(seed ^ 0x4A50_4A50_4A50_4A50);
    let ids: Vec<i64> = employee::Entity::find()
        .select_only()
        .column(employee::Column::Id)
        .filter(employee::Column::TenantId.eq(t))
        .order_by_asc(employee::Column::Nip)
        .into_tuple()
        .all(db)
        .await?;
    let entry = |e: i64, jp: i32, title: &str| jp_entry::ActiveModel {
        tenant_id: Set(t),
        id: Set(next_id()),
        employee_id: Set(e),
        year: Set(year),
        jp: Set(jp),
        source: Set(JpSource::Riwayat.code().into()),
        source_id: Set(None),
        title: Set(title.into()),
        recorded_at: Set(crate::now()),
    };
    let mut rows = vec![];
    for e in ids {
        let courses = match rng.below(4) {
            0 => 0,
            3 => 3,
            _ => 1,
        };
        let mut jp = 0;
        for _ in 0..courses {
            let (title, hours) = *rng.pick(&COURSES);
            jp += hours;
            rows.push(entry(e, hours, title));
        }
        // Three courses that still fall short get a fourth that reaches the minimum.
        if courses == 3 && jp < 20 {
            rows.push(entry(e, 20 - jp, "Pembelajaran Mandiri Platform ASN Unggul"));
        }
    }
    for chunk in rows.chunks(500) {
        jp_entry::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok(())
}

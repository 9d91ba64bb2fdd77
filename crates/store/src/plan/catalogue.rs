//! The catalogue: partners (mitra), their agreements (MoU/PKS) and the programs the instansi or a
//! partner runs. Small per tenant (bounded below), so lists are read whole.

use std::collections::BTreeMap;

use cakap_domain::audit::AuditEntity;
use cakap_domain::plan::catalogue::{AgreementState, Audience, Jalur, PartnerKind, ProgramMode};
use cakap_domain::{FieldError, PositionKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{agreement, competency, partner, program, program_competency};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

/// Most partners, agreements and programs one tenant keeps (a catalogue, not a data dump).
pub const MAX_PARTNERS: u64 = 500;
pub const MAX_AGREEMENTS: u64 = 2_000;
pub const MAX_PROGRAMS: u64 = 1_000;
/// Most competencies one program develops.
pub const MAX_PROGRAM_COMPETENCIES: usize = 12;
/// Bounds of a program's numbers: JP per program, rupiah, seats.
pub const MAX_JP: i32 = 2_000;
pub const MAX_RUPIAH: i64 = 100_000_000_000;
pub const MAX_CAPACITY: i32 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Partner {
    pub id: i64,
    pub kind: PartnerKind,
    pub name: String,
    pub contact: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agreement {
    pub id: i64,
    pub partner_id: i64,
    pub number: String,
    pub scope: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: time::Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_to: time::Date,
    /// Participants per year the agreement allows; 0 when it states none.
    pub quota: i32,
    pub tariff: String,
}

impl Agreement {
    pub fn state(&self, today: time::Date) -> AgreementState {
        AgreementState::of(self.valid_from, self.valid_to, today)
    }
}

/// A competency a program develops and the level it brings a participant to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramCompetency {
    pub competency_id: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub target_level: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Program {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub jalur: Jalur,
    pub jp: i32,
    pub mode: ProgramMode,
    /// The agreement it runs under; None when the instansi runs it itself.
    pub agreement_id: Option<i64>,
    pub outline: String,
    pub fixed_cost: i64,
    pub cost_per_participant: i64,
    pub capacity: i32,
    /// Jenis jabatan it suits; empty for everyone.
    pub suits: Vec<PositionKind>,
    /// Bidang tugas it suits (words of position names); empty for every bidang.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub audience: Audience,
    pub competencies: Vec<ProgramCompetency>,
    pub active: bool,
}

/// The whole catalogue of a tenant, read in three queries.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub partners: Vec<Partner>,
    pub agreements: Vec<Agreement>,
    pub programs: Vec<Program>,
}

impl Catalogue {
    pub fn partner(&self, id: i64) -> Option<&Partner> {
        self.partners.iter().find(|p| p.id == id)
    }

    pub fn agreement(&self, id: i64) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.id == id)
    }

    /// Who runs a program: the partner's name, or the instansi's own BKPSDM.
    pub fn organiser(&self, p: &Program) -> String {
        organiser_name(p.agreement_id.and_then(|a| self.agreement(a)).and_then(|a| self.partner(a.partner_id)).map(|x| x.name.as_str()))
    }
}

/// The organiser's name as certificates and exports print it: the partner's, else the
/// instansi's own BKPSDM.
pub fn organiser_name(partner: Option<&str>) -> String {
    partner.map_or_else(|| "BKPSDM (internal)".to_string(), str::to_string)
}

/// The organiser of one program, read directly (a certificate does not load the catalogue).
pub(crate) async fn organiser_of<C: ConnectionTrait>(db: &C, tenant_id: i64, agreement_id: Option<i64>) -> Result<String> {
    let Some(a) = agreement_id else { return Ok(organiser_name(None)) };
    let Some(ag) = agreement::Entity::find_by_id((tenant_id, a)).one(db).await? else { return Ok(organiser_name(None)) };
    let p = partner::Entity::find_by_id((tenant_id, ag.partner_id)).one(db).await?;
    Ok(organiser_name(p.as_ref().map(|x| x.name.as_str())))
}

impl Catalogue {
    /// Whether a program may be planned on `today`: active, and its agreement (if any) in force.
    pub fn plannable(&self, p: &Program, today: time::Date) -> bool {
        p.active && p.agreement_id.is_none_or(|a| self.agreement(a).is_some_and(|a| a.state(today).usable()))
    }

    /// Agreements in force that end within the warning window, soonest first.
    pub fn ending_soon(&self, today: time::Date) -> Vec<(&Agreement, i64)> {
        let mut v: Vec<(&Agreement, i64)> =
            self.agreements.iter().filter_map(|a| if let AgreementState::EndingSoon { days } = a.state(today) { Some((a, days)) } else { None }).collect();
        v.sort_by_key(|(_, d)| *d);
        v
    }
}

pub(crate) async fn load<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Catalogue> {
    let partners = partner::Entity::find()
        .filter(partner::Column::TenantId.eq(tenant_id))
        .order_by_asc(partner::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Partner { kind: code(PartnerKind::from_code(&m.kind), "jenis mitra", &m.kind)?, id: m.id, name: m.name, contact: m.contact, active: m.active })
        })
        .collect::<Result<Vec<_>>>()?;
    let agreements = agreement::Entity::find()
        .filter(agreement::Column::TenantId.eq(tenant_id))
        .order_by_asc(agreement::Column::ValidTo)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Agreement {
            id: m.id,
            partner_id: m.partner_id,
            number: m.number,
            scope: m.scope,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
            quota: m.quota,
            tariff: m.tariff,
        })
        .collect();
    let mut comps: BTreeMap<i64, Vec<ProgramCompetency>> = BTreeMap::new();
    for c in program_competency::Entity::find().filter(program_competency::Column::TenantId.eq(tenant_id)).all(db).await? {
        comps.entry(c.program_id).or_default().push(ProgramCompetency { competency_id: c.competency_id, target_level: c.target_level.clamp(1, 5) as u8 });
    }
    let programs = program::Entity::find()
        .filter(program::Column::TenantId.eq(tenant_id))
        .order_by_asc(program::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Program {
                jalur: code(Jalur::from_code(&m.jalur), "jalur", &m.jalur)?,
                mode: code(ProgramMode::from_code(&m.mode), "moda", &m.mode)?,
                suits: m.suits.split(',').filter(|s| !s.is_empty()).map(|s| code(PositionKind::from_code(s), "jenis jabatan", s)).collect::<Result<_>>()?,
                audience: Audience::parse(&m.audience).map_err(|e| StoreError::Other(format!("bidang tugas program {}: {e}", m.id)))?,
                competencies: comps.remove(&m.id).unwrap_or_default(),
                id: m.id,
                code: m.code,
                name: m.name,
                jp: m.jp,
                agreement_id: m.agreement_id,
                outline: m.outline,
                fixed_cost: m.fixed_cost,
                cost_per_participant: m.cost_per_participant,
                capacity: m.capacity,
                active: m.active,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Catalogue { partners, agreements, programs })
}

fn text(errs: &mut Vec<FieldError>, field: &'static str, label: &str, value: &str, max: usize, required: bool, multiline: bool) {
    if required && value.trim().is_empty() {
        errs.push(FieldError::new(field, format!("{label} wajib diisi")));
    }
    errs.extend(cakap_domain::text::check(field, label, value, max, multiline));
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerInput {
    #[cfg_attr(feature = "openapi", schema(value_type = PartnerKind))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub contact: String,
}

impl PartnerInput {
    fn check(&self) -> Result<PartnerKind> {
        let mut errs = vec![];
        let kind = PartnerKind::from_code(&self.kind);
        if kind.is_none() {
            errs.push(FieldError::new("kind", "jenis mitra tidak dikenal"));
        }
        text(&mut errs, "name", "nama mitra", &self.name, cakap_domain::text::NAME_MAX, true, false);
        text(&mut errs, "contact", "kontak", &self.contact, cakap_domain::text::NAME_MAX, false, false);
        if errs.is_empty() { Ok(kind.expect("checked")) } else { Err(StoreError::Invalid(errs)) }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub number: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub scope: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: Option<time::Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_to: Option<time::Date>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub quota: i32,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub tariff: String,
}

/// Longest agreement number (e.g. "119/PKS/BKPSDM/IV/2026" and longer ministry styles).
pub const AGREEMENT_NUMBER_MAX: usize = 100;

impl AgreementInput {
    fn check(&self) -> Result<(time::Date, time::Date)> {
        let mut errs = vec![];
        text(&mut errs, "number", "nomor MoU/PKS", &self.number, AGREEMENT_NUMBER_MAX, true, false);
        text(&mut errs, "scope", "ruang lingkup", &self.scope, cakap_domain::text::NOTE_MAX, false, true);
        text(&mut errs, "tariff", "tarif", &self.tariff, cakap_domain::text::NAME_MAX, false, false);
        if self.valid_from.is_none() {
            errs.push(FieldError::new("valid_from", "tanggal mulai berlaku wajib diisi"));
        }
        if self.valid_to.is_none() {
            errs.push(FieldError::new("valid_to", "tanggal berakhir wajib diisi"));
        }
        if let (Some(a), Some(b)) = (self.valid_from, self.valid_to)
            && b < a
        {
            errs.push(FieldError::new("valid_to", "tanggal berakhir tidak boleh sebelum tanggal mulai"));
        }
        if !(0..=100_000).contains(&self.quota) {
            errs.push(FieldError::new("quota", "kuota harus 0–100.000 peserta (0 bila tidak ditetapkan)"));
        }
        if errs.is_empty() { Ok((self.valid_from.expect("checked"), self.valid_to.expect("checked"))) } else { Err(StoreError::Invalid(errs)) }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramInput {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Jalur))]
    pub jalur: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 2000))]
    pub jp: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = ProgramMode))]
    pub mode: String,
    pub agreement_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub outline: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000000000_i64))]
    pub fixed_cost: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000000000_i64))]
    pub cost_per_participant: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000))]
    pub capacity: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<PositionKind>))]
    pub suits: Vec<String>,
    /// Bidang tugas: words of position names separated by ";" (at most 12, each ≤ 60 characters,
    /// 800 in all).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 800))]
    pub audience: String,
    pub competencies: Vec<ProgramCompetency>,
}

impl ProgramInput {
    fn check(&self) -> Result<(Jalur, ProgramMode, Vec<PositionKind>, Audience)> {
        let mut errs = vec![];
        text(&mut errs, "code", "kode program", &self.code, cakap_domain::text::CODE_MAX, true, false);
        text(&mut errs, "name", "nama program", &self.name, cakap_domain::text::NAME_MAX, true, false);
        text(&mut errs, "outline", "garis besar kurikulum", &self.outline, cakap_domain::text::NOTE_MAX, false, true);
        let jalur = Jalur::from_code(&self.jalur);
        if jalur.is_none() {
            errs.push(FieldError::new("jalur", "jalur pengembangan tidak dikenal"));
        }
        let mode = ProgramMode::from_code(&self.mode);
        if mode.is_none() {
            errs.push(FieldError::new("mode", "moda pelaksanaan tidak dikenal"));
        }
        if !(1..=MAX_JP).contains(&self.jp) {
            errs.push(FieldError::new("jp", format!("JP harus 1–{MAX_JP}")));
        }
        if !(0..=MAX_RUPIAH).contains(&self.fixed_cost) {
            errs.push(FieldError::new("fixed_cost", "biaya tetap per kelas harus Rp 0 – Rp 100.000.000.000"));
        }
        if !(0..=MAX_RUPIAH).contains(&self.cost_per_participant) {
            errs.push(FieldError::new("cost_per_participant", "biaya per peserta harus Rp 0 – Rp 100.000.000.000"));
        }
        if self.fixed_cost == 0 && self.cost_per_participant == 0 {
            errs.push(FieldError::new("fixed_cost", "isi biaya tetap per kelas atau biaya per peserta (keduanya nol)"));
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            errs.push(FieldError::new("capacity", format!("kapasitas kelas harus 1–{MAX_CAPACITY} peserta")));
        }
        let suits: Vec<PositionKind> = self.suits.iter().filter_map(|s| PositionKind::from_code(s)).collect();
        if suits.len() != self.suits.len() || suits.len() > PositionKind::ALL.len() {
            errs.push(FieldError::new("suits", "jenis jabatan sasaran tidak dikenal"));
        }
        let audience = Audience::parse(&self.audience).unwrap_or_else(|e| {
            errs.push(FieldError::new("audience", e));
            Audience::default()
        });
        if self.competencies.is_empty() {
            errs.push(FieldError::new("competencies", "pilih minimal satu kompetensi yang dikembangkan program ini"));
        }
        if self.competencies.len() > MAX_PROGRAM_COMPETENCIES {
            errs.push(FieldError::new("competencies", format!("maksimal {MAX_PROGRAM_COMPETENCIES} kompetensi per program")));
        }
        if self.competencies.iter().any(|c| !(1..=5).contains(&c.target_level)) {
            errs.push(FieldError::new("competencies", "level sasaran kompetensi harus 1–5"));
        }
        let mut ids: Vec<i64> = self.competencies.iter().map(|c| c.competency_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != self.competencies.len() {
            errs.push(FieldError::new("competencies", "kompetensi yang sama dipilih dua kali"));
        }
        if errs.is_empty() { Ok((jalur.expect("checked"), mode.expect("checked"), suits, audience)) } else { Err(StoreError::Invalid(errs)) }
    }
}

pub(crate) async fn create_partner(store: &Store, ctx: &Ctx, input: &PartnerInput) -> Result<i64> {
    let kind = input.check()?;
    let txn = store.write().await?;
    if partner::Entity::find().filter(partner::Column::TenantId.eq(ctx.tenant_id)).count(&txn).await? >= MAX_PARTNERS {
        return Err(StoreError::invalid("name", format!("batas {MAX_PARTNERS} mitra per instansi tercapai")));
    }
    let id = next_id();
    partner::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        kind: Set(kind.code().into()),
        name: Set(input.name.trim().into()),
        contact: Set(input.contact.trim().into()),
        active: Set(true),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "name", "mitra dengan nama ini sudah ada"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("create", AuditEntity::Partner, id), None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(id)
}

pub(crate) async fn update_partner(store: &Store, ctx: &Ctx, id: i64, input: &PartnerInput, active: bool) -> Result<()> {
    let kind = input.check()?;
    let txn = store.write().await?;
    let before = partner::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let mut am: partner::ActiveModel = before.clone().into();
    am.kind = Set(kind.code().into());
    am.name = Set(input.name.trim().into());
    am.contact = Set(input.contact.trim().into());
    am.active = Set(active);
    let after = am.update(&txn).await.map_err(|e| StoreError::on_unique(e, "name", "mitra dengan nama ini sudah ada"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("update", AuditEntity::Partner, id), Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn save_agreement(store: &Store, ctx: &Ctx, partner_id: i64, id: Option<i64>, input: &AgreementInput) -> Result<i64> {
    let (from, to) = input.check()?;
    let txn = store.write().await?;
    partner::Entity::find_by_id((ctx.tenant_id, partner_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let before = match id {
        Some(id) => {
            Some(agreement::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.filter(|a| a.partner_id == partner_id).ok_or(StoreError::NotFound)?)
        }
        None => {
            if agreement::Entity::find().filter(agreement::Column::TenantId.eq(ctx.tenant_id)).count(&txn).await? >= MAX_AGREEMENTS {
                return Err(StoreError::invalid("number", format!("batas {MAX_AGREEMENTS} perjanjian per instansi tercapai")));
            }
            None
        }
    };
    let id = id.unwrap_or_else(next_id);
    let am = agreement::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        partner_id: Set(partner_id),
        number: Set(input.number.trim().into()),
        scope: Set(input.scope.trim().into()),
        valid_from: Set(from),
        valid_to: Set(to),
        quota: Set(input.quota),
        tariff: Set(input.tariff.trim().into()),
    };
    let res = if before.is_some() { am.update(&txn).await } else { am.insert(&txn).await };
    let after = res.map_err(|e| StoreError::on_unique(e, "number", "nomor MoU/PKS ini sudah tercatat"))?;
    audit::record(&txn, ctx, ctx.tenant_id, (if before.is_some() { "update" } else { "create" }, AuditEntity::Agreement, id), before.as_ref(), Some(&after))
        .await?;
    txn.commit().await?;
    Ok(id)
}

pub(crate) async fn save_program(store: &Store, ctx: &Ctx, id: Option<i64>, input: &ProgramInput, active: bool) -> Result<i64> {
    let (jalur, mode, suits, audience) = input.check()?;
    let txn = store.write().await?;
    if let Some(a) = input.agreement_id {
        agreement::Entity::find_by_id((ctx.tenant_id, a))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::invalid("agreement_id", "perjanjian kerja sama tidak ditemukan"))?;
    }
    for c in &input.competencies {
        competency::Entity::find_by_id((ctx.tenant_id, c.competency_id))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::invalid("competencies", "kompetensi tidak ditemukan di kamus instansi ini"))?;
    }
    let before = match id {
        Some(id) => Some(program::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?),
        None => {
            if program::Entity::find().filter(program::Column::TenantId.eq(ctx.tenant_id)).count(&txn).await? >= MAX_PROGRAMS {
                return Err(StoreError::invalid("code", format!("batas {MAX_PROGRAMS} program per instansi tercapai")));
            }
            None
        }
    };
    let id = id.unwrap_or_else(next_id);
    let am = program::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        code: Set(input.code.trim().into()),
        name: Set(input.name.trim().into()),
        jalur: Set(jalur.code().into()),
        jp: Set(input.jp),
        mode: Set(mode.code().into()),
        agreement_id: Set(input.agreement_id),
        outline: Set(input.outline.trim().into()),
        fixed_cost: Set(input.fixed_cost),
        cost_per_participant: Set(input.cost_per_participant),
        capacity: Set(input.capacity),
        suits: Set(suits.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")),
        audience: Set(audience.text()),
        active: Set(active),
    };
    let res = if before.is_some() { am.update(&txn).await } else { am.insert(&txn).await };
    res.map_err(|e| StoreError::on_unique(e, "code", "kode program sudah dipakai di instansi ini"))?;
    program_competency::Entity::delete_many()
        .filter(program_competency::Column::TenantId.eq(ctx.tenant_id))
        .filter(program_competency::Column::ProgramId.eq(id))
        .exec(&txn)
        .await?;
    for c in &input.competencies {
        program_competency::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            program_id: Set(id),
            competency_id: Set(c.competency_id),
            target_level: Set(i16::from(c.target_level)),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(&txn, ctx, ctx.tenant_id, (if before.is_some() { "update" } else { "create" }, AuditEntity::Program, id), before.as_ref(), Some(input))
        .await?;
    txn.commit().await?;
    Ok(id)
}

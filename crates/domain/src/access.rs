//! Roles and permissions (DESIGN.md, "Who uses it"). Pure predicates, decided in one place:
//! the web layer only ever asks `Role::grants` / `Roles::allows` and never checks role names itself.

use crate::code_enum;

code_enum! {
    pub enum Role {
        SuperAdmin = ("super_admin", "Super Admin"),
        Admin = ("admin", "Admin BKPSDM"),
        Planner = ("planner", "Pengelola Pengembangan Kompetensi"),
        Approver = ("approver", "PPK (Pejabat Pembina Kepegawaian)"),
        Pyb = ("pyb", "PyB (Pejabat yang Berwenang)"),
        Supervisor = ("supervisor", "Atasan Langsung"),
        Instructor = ("instructor", "Widyaiswara/Fasilitator"),
        Employee = ("employee", "Pegawai (ASN)"),
    }
}

code_enum! {
    /// What an API token may do on top of its holder's permissions.
    pub enum TokenScope {
        Read = ("read", "Hanya membaca"),
        ReadWrite = ("read_write", "Membaca dan mengubah"),
    }
}

/// Days an API token lives when none is asked for, and the longest it may.
pub const TOKEN_DEFAULT_DAYS: i64 = 90;
pub const TOKEN_MAX_DAYS: i64 = 365;

/// What an actor may do. Scope (which rows) is separate: see [`ReadScope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create and edit tenants (national).
    ManageTenants,
    /// See data of every tenant (national roll-up).
    ReadAllTenants,
    /// Create, edit, deactivate units, positions and employees; import employees.
    ManageOrg,
    /// Read the unit tree and positions of the tenant.
    ReadOrg,
    /// Read employee records (rows limited by [`ReadScope`]).
    ReadEmployees,
    /// Create users, assign roles, reset passwords.
    ManageUsers,
    /// Change tenant settings.
    ManageSettings,
    /// Read the audit log.
    ReadAudit,
    /// Read the competency dictionary (everyone in a tenant: it is what they are assessed on).
    ReadCompetency,
    /// Create and edit the tenant's teknis competencies.
    ManageCompetency,
    /// Read AKPK of the employees in [`ReadScope`] (gaps, JPM, assessments).
    ReadAkpk,
    /// Tenant-wide needs analysis: heatmap, needs list, calibration list.
    ReadNeeds,
    /// Record assessment centre / uji kompetensi results and SKP ratings, import them, set
    /// priority competencies and add needs by hand.
    ManageNeeds,
    /// Read the catalogue (partners, agreements, programs) and the plans.
    ReadPlan,
    /// Edit the catalogue and draft plans (generate, edit, revise).
    ManagePlan,
    /// Submit a drafted plan to PPK (PyB).
    SubmitPlan,
    /// Approve a submitted plan or return it with a comment (PPK).
    DecidePlan,
    /// Run classes: create them (from an approved plan or outside it), sessions and
    /// instructors, nominate anyone, give the BKPSDM approval, complete, issue and revoke
    /// certificates (BKPSDM admin and planner).
    ManageClasses,
    /// Nominate one's own staff (the supervised subtree) and give the atasan's approval.
    NominateTeam,
    /// Mark attendance and show the check-in QR of the classes one teaches.
    TeachClasses,
    /// One's own learning: register where a class allows it, check in, certificates, own JP.
    Learn,
    /// The JP ledger and its compliance dashboard (rows limited by [`ReadScope`]).
    ReadLedger,
}

/// Which employee rows an actor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReadScope {
    /// Nothing.
    None,
    /// Own record only.
    Own,
    /// The unit subtree of the role's scope unit.
    UnitSubtree,
    /// The whole tenant.
    Tenant,
}

impl Role {
    #[must_use]
    pub fn grants(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match self {
            SuperAdmin => matches!(p, ManageTenants | ReadAllTenants | ReadAudit),
            Admin => matches!(
                p,
                ManageOrg
                    | ReadOrg
                    | ReadEmployees
                    | ManageUsers
                    | ManageSettings
                    | ReadAudit
                    | ReadCompetency
                    | ManageCompetency
                    | ReadAkpk
                    | ReadNeeds
                    | ManageNeeds
                    | ReadPlan
                    | ManagePlan
                    | ManageClasses
                    | ReadLedger
            ),
            Planner => matches!(
                p,
                ReadOrg
                    | ReadEmployees
                    | ReadCompetency
                    | ManageCompetency
                    | ReadAkpk
                    | ReadNeeds
                    | ManageNeeds
                    | ReadPlan
                    | ManagePlan
                    | ManageClasses
                    | ReadLedger
            ),
            Approver => matches!(p, ReadOrg | ReadEmployees | ReadCompetency | ReadAkpk | ReadNeeds | ReadPlan | DecidePlan | ReadLedger),
            Pyb => matches!(p, ReadOrg | ReadEmployees | ReadCompetency | ReadAkpk | ReadNeeds | ReadPlan | SubmitPlan | ReadLedger),
            Supervisor => matches!(p, ReadOrg | ReadEmployees | ReadCompetency | ReadAkpk | NominateTeam | ReadLedger | Learn),
            Instructor => matches!(p, ReadOrg | ReadCompetency | TeachClasses),
            Employee => matches!(p, ReadEmployees | ReadCompetency | ReadAkpk | Learn),
        }
    }

    /// How far this role reads employee records within its tenant.
    #[must_use]
    pub fn employee_scope(self) -> ReadScope {
        match self {
            Role::Admin | Role::Planner | Role::Approver | Role::Pyb => ReadScope::Tenant,
            Role::Supervisor => ReadScope::UnitSubtree,
            Role::Employee => ReadScope::Own,
            Role::SuperAdmin | Role::Instructor => ReadScope::None,
        }
    }

    /// Roles a tenant admin may hand out (never super admin).
    pub fn assignable_by_tenant_admin(self) -> bool {
        self != Role::SuperAdmin
    }
}

/// The roles one user holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(pub Vec<Role>);

impl Roles {
    #[must_use]
    pub fn allows(&self, p: Permission) -> bool {
        self.0.iter().any(|r| r.grants(p))
    }

    pub fn has(&self, r: Role) -> bool {
        self.0.contains(&r)
    }

    /// The widest employee scope among the roles.
    pub fn employee_scope(&self) -> ReadScope {
        self.0.iter().map(|r| r.employee_scope()).max().unwrap_or(ReadScope::None)
    }

    /// Whether these roles must log in with a second factor (TOTP): the roles that manage
    /// users, settings and tenants, whose stolen password would open everyone else's data.
    #[must_use]
    pub fn require_second_factor(&self) -> bool {
        self.0.iter().any(|r| matches!(r, Role::SuperAdmin | Role::Admin))
    }

    /// The role shown in the top bar: the most powerful one.
    pub fn primary(&self) -> Option<Role> {
        self.0.iter().copied().min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_and_super_admins_need_a_second_factor() {
        for r in Role::ALL {
            let needs = Roles(vec![*r]).require_second_factor();
            assert_eq!(needs, matches!(r, Role::Admin | Role::SuperAdmin), "{r:?}");
        }
        assert!(Roles(vec![Role::Employee, Role::Admin]).require_second_factor());
    }

    #[test]
    fn only_admin_manages_org_and_users() {
        for r in Role::ALL {
            assert_eq!(r.grants(Permission::ManageOrg), *r == Role::Admin, "{r:?}");
            assert_eq!(r.grants(Permission::ManageUsers), *r == Role::Admin, "{r:?}");
        }
        assert!(Role::SuperAdmin.grants(Permission::ManageTenants));
        assert!(!Role::Admin.grants(Permission::ManageTenants));
    }

    #[test]
    fn the_planner_drafts_pyb_submits_ppk_decides() {
        for r in Role::ALL {
            assert_eq!(r.grants(Permission::SubmitPlan), *r == Role::Pyb, "{r:?}");
            assert_eq!(r.grants(Permission::DecidePlan), *r == Role::Approver, "{r:?}");
            assert_eq!(r.grants(Permission::ManagePlan), matches!(r, Role::Planner | Role::Admin), "{r:?}");
        }
    }

    #[test]
    fn delivery_is_run_by_bkpsdm_nominated_by_atasan_taught_by_instructors() {
        for r in Role::ALL {
            assert_eq!(r.grants(Permission::ManageClasses), matches!(r, Role::Planner | Role::Admin), "{r:?}");
            assert_eq!(r.grants(Permission::NominateTeam), *r == Role::Supervisor, "{r:?}");
            assert_eq!(r.grants(Permission::TeachClasses), *r == Role::Instructor, "{r:?}");
            assert_eq!(r.grants(Permission::Learn), matches!(r, Role::Employee | Role::Supervisor), "{r:?}");
        }
        assert!(!Role::Instructor.grants(Permission::ReadLedger) && !Role::Employee.grants(Permission::ReadLedger));
    }

    #[test]
    fn widest_scope_wins() {
        let r = Roles(vec![Role::Employee, Role::Supervisor]);
        assert_eq!(r.employee_scope(), ReadScope::UnitSubtree);
        assert_eq!(Roles(vec![Role::Instructor]).employee_scope(), ReadScope::None);
        assert_eq!(r.primary(), Some(Role::Supervisor));
    }
}

//! One integration-test binary for the web crate (kanidm's testkit pattern): add modules here,
//! not new files under tests/.

mod helpers;

mod a11y;
mod akpk;
mod auth;
mod browser;
mod competency;
mod employees;
mod import;
mod isolation;
mod learning;
mod mail;
mod plan;
mod second_factor;
mod shape;
mod transfer;

//! The annual plan (PP 11/2017 Pasal 207): choosing who attends which program within the
//! budget. `instance` holds the optimizer's input and output and the independent checker;
//! `optimize` the method; `build` turns needs and a catalogue into an instance and reports the
//! result; `catalogue` and `workflow` the partners' and programs' codes and the plan's steps.

pub mod build;
pub mod catalogue;
pub mod instance;
mod market;
pub mod optimize;
pub mod workflow;

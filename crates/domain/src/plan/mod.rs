//! The annual plan (PP 11/2017 Pasal 207): choosing who attends which program within the
//! budget. `instance` holds the optimizer's input and output and the independent checker;
//! `optimize` the method.

pub mod instance;
pub mod optimize;

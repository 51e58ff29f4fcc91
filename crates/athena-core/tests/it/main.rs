//! athena-core's integration tests, one binary: each module is one former test file, named for
//! what it tests.

mod auth_id_token;
mod auth_oidc_interop;
mod auth_quota_warning;
mod auth_smart;
mod auth_three_legged;
mod auth_token_endpoint;
mod codec_dates;
mod codec_lenient;
mod codec_money;
mod codec_props;
mod common;
mod ids;
mod paging;
mod phi_in_errors;
mod phi_type;
mod tracing_phi;
mod transport;
mod transport_streamed;

//! The scoping handles: a [`Practice`] (`/v1/{practiceid}/…`) and a [`Department`] within it.

use super::Client;
use crate::ids::{DepartmentId, PracticeId};
use crate::request::Request;

/// A practice: the scope of every `/v1/{practiceid}/…` call.
#[derive(Clone, Debug)]
pub struct Practice {
    pub(super) client: Client,
    pub(super) id: PracticeId,
}

impl Practice {
    /// The practice id.
    pub fn id(&self) -> PracticeId {
        self.id
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A request for a route under `/v1/{practiceid}` with the practice filled in. `route`
    /// is the full template, e.g. `/v1/{practiceid}/patients/{patientid}`.
    pub fn request(&self, method: http::Method, route: &'static str) -> Request {
        Request::new(method, route).path_param("practiceid", self.id)
    }

    /// A department of this practice: scheduling and chart calls hang off it, so a
    /// `departmentid` cannot be forgotten.
    pub fn department(&self, id: DepartmentId) -> Department {
        Department {
            practice: self.clone(),
            id,
        }
    }
}

/// A department within a practice.
#[derive(Clone, Debug)]
pub struct Department {
    practice: Practice,
    id: DepartmentId,
}

impl Department {
    /// The department id.
    pub fn id(&self) -> DepartmentId {
        self.id
    }
    /// Its practice.
    pub fn practice(&self) -> &Practice {
        &self.practice
    }
    /// The client.
    pub fn client(&self) -> &Client {
        &self.practice.client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientBuilder;
    use crate::error::{ErrorKind, Result};

    fn build_with(b: ClientBuilder) -> Result<Client> {
        b.client_credentials("a", "b").build()
    }

    #[test]
    fn try_practice_refuses_zero_and_practice_stays_infallible() {
        const SANDBOX: PracticeId = PracticeId::new(195900);
        let c = build_with(Client::builder().base_url("http://127.0.0.1:1")).unwrap();
        assert_eq!(c.practice(SANDBOX).id(), SANDBOX);
        assert_eq!(c.try_practice(SANDBOX).unwrap().id(), SANDBOX);
        let e = c.try_practice(PracticeId::new(0)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(PracticeId::try_new(0).is_err());
        assert_eq!(PracticeId::try_new(7).unwrap().get(), 7);
    }
}

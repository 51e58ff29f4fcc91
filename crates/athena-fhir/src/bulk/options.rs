//! Kick-off parameters: [`ExportOptions`] as a query string (`GET`) or a `Parameters` body (`POST`).

/// Kick-off parameters (Bulk Data Access 2.0.0 §"Query Parameters").
///
/// Every field maps to one kick-off parameter. A `GET` kick-off sends them in the query
/// string; a `POST` kick-off (set [`post`](Self::post), or forced by a non-empty
/// [`patients`](Self::patients), which the specification allows only with `POST`) sends them
/// as a FHIR `Parameters` resource with `Prefer: respond-async`.
///
/// ```
/// use athena_fhir::bulk::ExportOptions;
/// use athena_fhir::FhirPatientId;
/// let options = ExportOptions::default()
///     .types(["Patient", "Observation"])
///     .since("2024-01-01T00:00:00Z")
///     .elements(["Observation.code"])
///     .patient(FhirPatientId::new("a-195900.E-1")?)
///     .include_associated_data("LatestProvenanceResources");
/// assert!(options.uses_post());
/// # Ok::<(), athena_fhir::FhirError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// `_type`: resource types to export (all the server offers when empty).
    pub types: Vec<String>,
    /// `_since`: only resources changed after this instant (FHIR `instant` text).
    pub since: Option<String>,
    /// `_typeFilter` values (one parameter each).
    pub type_filters: Vec<String>,
    /// `_outputFormat` (`application/fhir+ndjson`, the default, when `None`).
    pub output_format: Option<String>,
    /// `_elements`: the elements to include (`Patient.name` or `name`); mandatory elements
    /// are always sent by the server.
    pub elements: Vec<String>,
    /// `patient`: restrict a `Patient/$export` or `Group/{id}/$export` to these patients.
    /// Only allowed in a `POST` kick-off: a non-empty list makes the kick-off a `POST`.
    pub patients: Vec<crate::FhirPatientId>,
    /// `includeAssociatedData` values (e.g. `LatestProvenanceResources`,
    /// `RelevantProvenanceResources`).
    pub include_associated_data: Vec<String>,
    /// Send the kick-off as `POST` with a `Parameters` body instead of `GET`.
    pub post: bool,
}

impl ExportOptions {
    /// Sets `_type`.
    pub fn types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.types = types.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `_since` (FHIR `instant` text).
    pub fn since(mut self, instant: impl Into<String>) -> Self {
        self.since = Some(instant.into());
        self
    }

    /// Adds a `_typeFilter`.
    pub fn type_filter(mut self, filter: impl Into<String>) -> Self {
        self.type_filters.push(filter.into());
        self
    }

    /// Sets `_outputFormat`.
    pub fn output_format(mut self, format: impl Into<String>) -> Self {
        self.output_format = Some(format.into());
        self
    }

    /// Sets `_elements`.
    pub fn elements<I: IntoIterator<Item = S>, S: Into<String>>(mut self, elements: I) -> Self {
        self.elements = elements.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a `patient` (makes the kick-off a `POST`).
    pub fn patient(mut self, patient: crate::FhirPatientId) -> Self {
        self.patients.push(patient);
        self
    }

    /// Adds an `includeAssociatedData` value.
    pub fn include_associated_data(mut self, value: impl Into<String>) -> Self {
        self.include_associated_data.push(value.into());
        self
    }

    /// Kicks off with `POST` and a `Parameters` body.
    pub fn post(mut self) -> Self {
        self.post = true;
        self
    }

    /// True when the kick-off is a `POST` ([`post`](Self::post) set, or patients given).
    pub fn uses_post(&self) -> bool {
        self.post || !self.patients.is_empty()
    }

    /// The parameters as query pairs, for a `GET` kick-off (`patient` is not among them).
    pub(super) fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(f) = &self.output_format {
            q.push(("_outputFormat".to_owned(), f.clone()));
        }
        if let Some(s) = &self.since {
            q.push(("_since".to_owned(), s.clone()));
        }
        if !self.types.is_empty() {
            q.push(("_type".to_owned(), self.types.join(",")));
        }
        if !self.elements.is_empty() {
            q.push(("_elements".to_owned(), self.elements.join(",")));
        }
        for v in &self.include_associated_data {
            q.push(("includeAssociatedData".to_owned(), v.clone()));
        }
        for f in &self.type_filters {
            q.push(("_typeFilter".to_owned(), f.clone()));
        }
        q
    }

    /// The `Parameters` resource of a `POST` kick-off.
    pub fn to_parameters(&self) -> serde_json::Value {
        use serde_json::json;
        let mut p = Vec::new();
        if let Some(f) = &self.output_format {
            p.push(json!({"name": "_outputFormat", "valueString": f}));
        }
        if let Some(s) = &self.since {
            p.push(json!({"name": "_since", "valueInstant": s}));
        }
        for t in &self.types {
            p.push(json!({"name": "_type", "valueString": t}));
        }
        if !self.elements.is_empty() {
            p.push(json!({"name": "_elements", "valueString": self.elements.join(",")}));
        }
        for patient in &self.patients {
            p.push(
                json!({"name": "patient", "valueReference": {"reference": patient.to_reference()}}),
            );
        }
        for v in &self.include_associated_data {
            p.push(json!({"name": "includeAssociatedData", "valueString": v}));
        }
        for f in &self.type_filters {
            p.push(json!({"name": "_typeFilter", "valueString": f}));
        }
        json!({"resourceType": "Parameters", "parameter": p})
    }
}

#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Results;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>Results (DiagnosticReport, Observation) and payments (ExplanationOfBenefit) into the engine's records: what the bundle says, or every problem by path.</summary>
public sealed class ImportTests
{
    private static Bundle Exported() => EngineBundle.Export(EngineRecordsFixture.All(), []);

    private static Bundle Collection(params (string Url, Resource Resource)[] entries) => new()
    {
        Type = Bundle.BundleType.Collection,
        Entry = [.. entries.Select(e => new Bundle.EntryComponent { FullUrl = e.Url, Resource = e.Resource })],
    };

    private static Patient Patient(string id) => new() { Id = id, Identifier = [new Identifier("http://hospital.example/mrn", $"MRN-{id}")], Name = [new HumanName { Family = "Rivera", Given = ["Ana"] }] };

    private static ServiceRequest Order(string id, string requester) => new()
    {
        Id = id, Status = RequestStatus.Completed, Intent = RequestIntent.Order, Subject = new ResourceReference("Patient/p1"), Requester = new ResourceReference(requester),
    };

    [Fact]
    public void ResultImport_OfTheEngineBundle_GivesBackEveryResultAsItWasReceived()
    {
        var import = ResultImport.Read(Exported());

        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        Assert.Equal(EngineRecordsFixture.All().Results.Select(r => r.Latest), import.Records);
    }

    [Fact]
    public void ResultImport_AnEhrBundle_FindsPatientOrdererKindStatusAndAbnormalValues()
    {
        var high = new Observation
        {
            Id = "o1", Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "4548-4", "Hemoglobin A1c", null), Subject = new ResourceReference("Patient/p1"),
            Value = new Quantity(8.1m, "%"), ReferenceRange = [new Observation.ReferenceRangeComponent { High = new Quantity(5.7m, "%") }],
        };
        var normal = new Observation
        {
            Id = "o2", Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "2093-3", "Cholesterol", null), Subject = new ResourceReference("Patient/p1"),
            Value = new Quantity(150m, "mg/dL"), ReferenceRange = [new Observation.ReferenceRangeComponent { Low = new Quantity(100m, "mg/dL"), High = new Quantity(200m, "mg/dL") }],
            Interpretation = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "N")],
        };
        var lone = new Observation
        {
            Id = "o3", Identifier = [new Identifier("http://lab.example/obs", "OBS-3")], Status = ObservationStatus.Preliminary, BasedOn = [new ResourceReference("ServiceRequest/sr1")],
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "imaging")], Code = new CodeableConcept { Text = "chest x-ray" },
            Subject = new ResourceReference { Identifier = new Identifier("urn:medcoord:patient", "pat-9") },
        };
        DiagnosticReport Report(string id, DiagnosticReport.DiagnosticReportStatus status, params string[] observations) => new()
        {
            Id = id, Identifier = [new Identifier("http://lab.example/report", $"LAB-{id}")], Status = status, BasedOn = [new ResourceReference("ServiceRequest/sr1")],
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB")], Code = new CodeableConcept { Text = "panel" },
            Subject = new ResourceReference("Patient/p1"), Result = [.. observations.Select(o => new ResourceReference($"Observation/{o}"))],
        };
        var bundle = Collection(
            ("http://ehr.example/fhir/Patient/p1", Patient("p1")),
            ("http://ehr.example/fhir/Practitioner/dr1", new Practitioner { Id = "dr1", Identifier = [new Identifier("http://hl7.org/fhir/sid/us-npi", "1245319599")] }),
            ("http://ehr.example/fhir/ServiceRequest/sr1", Order("sr1", "Practitioner/dr1")),
            ("http://ehr.example/fhir/DiagnosticReport/r1", Report("r1", DiagnosticReport.DiagnosticReportStatus.Corrected, "o1", "o2")),
            ("http://ehr.example/fhir/DiagnosticReport/r2", Report("r2", DiagnosticReport.DiagnosticReportStatus.Partial, "o2")),
            ("http://ehr.example/fhir/Observation/o1", high),
            ("http://ehr.example/fhir/Observation/o2", normal),
            ("http://ehr.example/fhir/Observation/o3", lone));

        var import = ResultImport.Read(bundle);

        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        Assert.Equal(
            [
                new IncomingResult("LAB-r1", "MRN-p1", "1245319599", "lab", ResultStatus.Amended, Abnormal: true),
                new IncomingResult("LAB-r2", "MRN-p1", "1245319599", "lab", ResultStatus.Preliminary, Abnormal: false),
                new IncomingResult("OBS-3", "pat-9", "1245319599", "imaging", ResultStatus.Preliminary, Abnormal: false),
            ],
            import.Records);
    }

    [Fact]
    public void ResultImport_OneReport_ReadsItsContainedResources()
    {
        var report = new DiagnosticReport
        {
            Id = "r9", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Coding = [new Coding("http://loinc.org", "24323-8", "Comprehensive metabolic panel")] },
            Contained = [Patient("p1"), Order("sr1", "#dr"), new Practitioner { Id = "dr", Identifier = [new Identifier("urn:medcoord:provider", "dr-lopez")] },
                new Observation { Id = "o", Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "K" }, Interpretation = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "HH")] }],
            Subject = new ResourceReference("#p1"), BasedOn = [new ResourceReference("#sr1")], Result = [new ResourceReference("#o")],
        };

        var import = ResultImport.Read(report);

        Assert.Equal([new IncomingResult("r9", "MRN-p1", "dr-lopez", "Comprehensive metabolic panel", ResultStatus.Final, Abnormal: true)], import.Records);
    }

    [Fact]
    public void ResultImport_BadReports_AreEveryProblemByPath_NoResults_NoPatientData()
    {
        var cancelled = new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Cancelled, Code = new CodeableConcept(), Subject = new ResourceReference("Patient/gone"),
        };
        var twiceA = new DiagnosticReport { Id = "a", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Text = "x" }, Subject = new ResourceReference("Patient/p1"), BasedOn = [new ResourceReference("ServiceRequest/sr1")] };
        var twiceB = new DiagnosticReport { Id = "a", Status = DiagnosticReport.DiagnosticReportStatus.Amended, Code = new CodeableConcept { Text = "x" }, Subject = new ResourceReference("Patient/p1"), BasedOn = [new ResourceReference("ServiceRequest/sr1")] };
        var bundle = Collection(("urn:uuid:1", Patient("p1")), ("urn:uuid:2", cancelled), ("urn:uuid:3", Order("sr1", "Practitioner/dr-1")), ("urn:uuid:4", twiceA), ("urn:uuid:5", twiceB));

        var import = ResultImport.Read(bundle);
        var empty = ResultImport.Read(new Bundle { Type = Bundle.BundleType.Collection });

        Assert.Empty(import.Records);
        Assert.Equal(
            [
                ("entry[1].resource.identifier", "the DiagnosticReport has neither an identifier nor an id"),
                ("entry[1].resource.basedOn", "DiagnosticReport '' names no ordering provider (the requester of the ServiceRequest it is based on)"),
                ("entry[1].resource.status", "DiagnosticReport '' is cancelled; only a preliminary, final or amended result is taken in"),
                ("entry[1].resource.code", "DiagnosticReport '' has neither a lab or imaging category nor a code"),
                ("entry", "result 'a' appears 2 times; send one version at a time"),
            ],
            import.Errors.Select(e => (e.Path, e.Message)));
        Assert.DoesNotContain(import.Errors, e => e.Message.Contains("Rivera", StringComparison.Ordinal));
        Assert.Equal([("entry", "the bundle holds no DiagnosticReport or Observation")], empty.Errors.Select(e => (e.Path, e.Message)));
        Assert.Equal(["subject"], ResultImport.Read(new DiagnosticReport { Id = "z", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Text = "x" } }).Errors.Select(e => e.Path).Where(p => p == "subject"));
    }

    [Fact]
    public void RemittanceImport_OfTheEngineBundle_GivesBackEveryPaymentAsPosted()
    {
        var claim = EngineRecordsFixture.All().Claims.Single(c => c.Id == "CLM-1");
        var expected = claim.Payments.Single();

        var import = RemittanceImport.Read(Exported());

        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        var (claimId, payment) = Assert.Single(import.Records);
        Assert.Equal("CLM-1", claimId);
        Assert.Equal(expected with { Adjustments = [], RemarkCodes = [], Lines = [] }, payment with { Adjustments = [], RemarkCodes = [], Lines = [] });
        Assert.Equal(expected.Adjustments, payment.Adjustments);
        Assert.Equal(expected.RemarkCodes, payment.RemarkCodes);
        Assert.Equal(expected.Lines.Count, payment.Lines.Count);
        foreach (var (want, got) in expected.Lines.Zip(payment.Lines))
        {
            Assert.Equal(want with { Adjustments = [], RemarkCodes = [] }, got with { Adjustments = [], RemarkCodes = [] });
            Assert.Equal(want.Adjustments, got.Adjustments);
            Assert.Equal(want.RemarkCodes, got.RemarkCodes);
        }
    }

    [Fact]
    public void RemittanceImport_APayersEob_TakesCopayAndDeductibleAsThePatientsShare_AndANothingPaidAsDenied()
    {
        static ExplanationOfBenefit.AdjudicationComponent Amount(string code, decimal amount) =>
            new() { Category = new CodeableConcept("http://terminology.hl7.org/CodeSystem/adjudication", code), Amount = new Money { Value = amount, Currency = Money.Currencies.USD } };
        var paid = new ExplanationOfBenefit
        {
            Identifier = [new Identifier("http://payer.example/claim", "P-77")],
            Claim = new ResourceReference { Identifier = new Identifier("urn:medcoord:claim", "CLM-9") },
            Insurer = new ResourceReference { Identifier = new Identifier("http://payer.example/id", "PAYER-1") },
            Outcome = ClaimProcessingCodes.Complete,
            Item = [new ExplanationOfBenefit.ItemComponent { Sequence = 1, ProductOrService = new CodeableConcept("http://www.ama-assn.org/go/cpt", "99213"),
                Adjudication = [Amount("submitted", 100m), Amount("eligible", 80m), Amount("copay", 20m), Amount("deductible", 10m), Amount("benefit", 50m)] }],
            Payment = new ExplanationOfBenefit.PaymentComponent { Identifier = new Identifier("http://payer.example/eft", "EFT-1"), Amount = new Money { Value = 50m }, Date = "2026-12-21" },
        };
        var denied = new ExplanationOfBenefit
        {
            Claim = new ResourceReference("Claim/CLM-8"), Insurer = new ResourceReference("Organization/PAYER-1"), Outcome = ClaimProcessingCodes.Complete,
            Payment = new ExplanationOfBenefit.PaymentComponent { Identifier = new Identifier("http://payer.example/eft", "EFT-2"), Amount = new Money { Value = 0m } },
        };

        var first = Assert.Single(RemittanceImport.Read(paid).Records);
        var second = Assert.Single(RemittanceImport.Read(denied).Records);

        Assert.Equal(("CLM-9", "EFT-1", "PAYER-1", "1", "P-77", 100m, 50m, 80m, 30m, new NodaTime.LocalDate(2026, 12, 21)),
            (first.ClaimId, first.Payment.Trace, first.Payment.PayerId, first.Payment.StatusCode, first.Payment.PayerClaimNumber, first.Payment.Charge, first.Payment.Paid, first.Payment.Allowed,
             first.Payment.PatientResponsibility, first.Payment.PaymentDate!.Value));
        Assert.Equal((1, "99213", 100m, 50m, 80m, 30m), (first.Payment.Lines[0].Line, first.Payment.Lines[0].ProcedureCode, first.Payment.Lines[0].Charge, first.Payment.Lines[0].Paid, first.Payment.Lines[0].Allowed, first.Payment.Lines[0].PatientResponsibility));
        Assert.Equal(("CLM-8", "4", 0m), (second.ClaimId, second.Payment.StatusCode, second.Payment.Paid));
    }

    [Fact]
    public void RemittanceImport_ABadEob_IsEveryProblemByPath()
    {
        var bad = new ExplanationOfBenefit
        {
            Claim = new ResourceReference("urn:uuid:missing"),
            Adjudication = [new ExplanationOfBenefit.AdjudicationComponent { Category = new CodeableConcept("urn:medcoord:code:claim-adjustment-group", "CO") }],
            Item = [new ExplanationOfBenefit.ItemComponent()],
            Payment = new ExplanationOfBenefit.PaymentComponent { Date = "21/12/2026" },
        };

        var import = RemittanceImport.Read(Collection(("urn:uuid:e", bad)));

        Assert.Empty(import.Records);
        Assert.Equal(
            ["entry[0].resource.claim", "entry[0].resource.payment.identifier", "entry[0].resource.insurer", "entry[0].resource.outcome", "entry[0].resource.item[0].sequence", "entry[0].resource.adjudication[0]", "entry[0].resource.payment.date"],
            import.Errors.Select(e => e.Path));
        Assert.Equal([("entry", "the bundle holds no ExplanationOfBenefit")], RemittanceImport.Read(new Bundle()).Errors.Select(e => (e.Path, e.Message)));
    }
    private static DiagnosticReport Study(string categorySystem, string categoryCode, params Observation[] observations) => new()
    {
        Id = "r", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Text = "study" },
        Category = [new CodeableConcept(categorySystem, categoryCode)],
        Contained = [Patient("p1"), Order("sr1", "#dr"), new Practitioner { Id = "dr", Identifier = [new Identifier("urn:medcoord:provider", "dr-lopez")] }, .. observations],
        Subject = new ResourceReference("#p1"), BasedOn = [new ResourceReference("#sr1")], Result = [.. observations.Select(o => new ResourceReference($"#{o.Id}"))],
    };

    [Theory]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "RX", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "CT", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "MR", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "NMR", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "NMS", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "US", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "OUS", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "VUS", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "CUS", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "RUS", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "IMG", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "lab")]
    [InlineData("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "lab")]
    [InlineData("http://terminology.hl7.org/CodeSystem/observation-category", "imaging", "imaging")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "CH", "study")]
    [InlineData("http://terminology.hl7.org/CodeSystem/v2-0074", "imaging", "study")]
    [InlineData("http://terminology.hl7.org/CodeSystem/observation-category", "RAD", "study")]
    [InlineData("http://example.org/sections", "LAB", "study")]
    [InlineData("http://example.org/sections", "CT", "study")]
    public void ResultImport_TheKind_IsLabOrImagingFromTheSectionOrCategory_ElseTheCodesText(string system, string code, string kind) =>
        Assert.Equal(kind, Assert.Single(ResultImport.Read(Study(system, code)).Records).Kind);

    [Theory]
    [InlineData("A", true)]
    [InlineData("AA", true)]
    [InlineData("H", true)]
    [InlineData("HH", true)]
    [InlineData("HU", true)]
    [InlineData("L", true)]
    [InlineData("LL", true)]
    [InlineData("LU", true)]
    [InlineData("<", true)]
    [InlineData(">", true)]
    [InlineData("CAR", true)]
    [InlineData("RR", true)]
    [InlineData("R", true)]
    [InlineData("IND", true)]
    [InlineData("POS", true)]
    [InlineData("DET", true)]
    [InlineData("N", false)]
    [InlineData("NEG", false)]
    [InlineData("S", false)]
    public void ResultImport_AnInterpretation_IsAbnormalOnlyWhenItsCodeSaysSo(string interpretation, bool abnormal)
    {
        var observation = new Observation
        {
            Id = "o", Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "K" },
            Interpretation = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", interpretation)],
        };

        Assert.Equal(abnormal, Assert.Single(ResultImport.Read(Study("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", observation)).Records).Abnormal);
    }
}

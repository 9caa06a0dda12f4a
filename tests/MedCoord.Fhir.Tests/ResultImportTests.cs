#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Engine.Results;
using Xunit;
using static MedCoord.Fhir.Tests.TestBundles;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// Results the way labs and EHRs send them: which identifier is the result's id, where the ordering provider is found,
/// the kind from a code without a category, what counts as abnormal, and every problem's path and message.
/// </summary>
public sealed class ResultImportTests
{
    private const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private static Patient Patient() => new() { Id = "p1", Identifier = [new Identifier("urn:medcoord:patient", "pat-1")] };

    private static Practitioner Doctor(string id, string provider) => new() { Id = id, Identifier = [new Identifier("urn:medcoord:provider", provider)] };

    private static ServiceRequest Order(string id, string requester) => new()
    {
        Id = id, Status = RequestStatus.Completed, Intent = RequestIntent.Order, Subject = new ResourceReference("Patient/p1"), Requester = new ResourceReference(requester),
    };

    private static Observation Value(string id, decimal value, params Observation.ReferenceRangeComponent[] ranges) => new()
    {
        Id = id, Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "K" }, Value = new Quantity(value, "mmol/L"), ReferenceRange = [.. ranges],
    };

    private static Observation.ReferenceRangeComponent Range(decimal? low, decimal? high) =>
        new() { Low = low is { } l ? new Quantity(l, "mmol/L") : null, High = high is { } h ? new Quantity(h, "mmol/L") : null };

    /// <summary>A final lab report of patient pat-1 ordered by dr-lopez, holding <paramref name="observations"/> as contained resources.</summary>
    private static DiagnosticReport Report(params Observation[] observations) => new()
    {
        Id = "r", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Text = "panel" },
        Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB")],
        Contained = [Patient(), Order("sr1", "#dr"), Doctor("dr", "dr-lopez"), .. observations],
        Subject = new ResourceReference("#p1"), BasedOn = [new ResourceReference("#sr1")], Result = [.. observations.Select(o => new ResourceReference($"#{o.Id}"))],
    };

    private static IncomingResult One(DiagnosticReport report)
    {
        var import = ResultImport.Read(report);
        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        return Assert.Single(import.Records);
    }

    [Fact]
    public void Read_WithoutAnArgument_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ResultImport.Read((Bundle)null));
        Assert.Throws<ArgumentNullException>(() => ResultImport.Read((DiagnosticReport)null));
    }

    [Theory]
    [InlineData("http://lab.example/report=LAB-1|urn:medcoord:result=RES-1", "RES-1")]
    [InlineData("urn:medcoord:result=|http://lab.example/report=LAB-2", "LAB-2")]
    [InlineData("http://lab.example/report=|http://lab.example/accession=ACC-3", "ACC-3")]
    [InlineData("http://lab.example/report=", "r")]
    [InlineData("", "r")]
    public void TheId_IsTheResultIdentifier_ElseTheFirstWithAValue_ElseTheResourceId(string identifiers, string expected)
    {
        var report = Report();
        report.Identifier = TestIdentifiers.Parse(identifiers);

        Assert.Equal(expected, One(report).Id);
    }

    [Fact]
    public void AReportWithoutAnId_OrAnEmptyOne_IsAnError()
    {
        var report = Report();
        report.Id = string.Empty;

        Assert.Equal(["the DiagnosticReport has neither an identifier nor an id"], ResultImport.Read(report).Errors.Where(e => e.Path == "identifier").Select(e => e.Message));
    }

    [Fact]
    public void TheOrderer_IsTheReportsOrder_ElseAnOrderOfItsObservations()
    {
        var observation = new Observation
        {
            Id = "o1", Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "K" }, Subject = new ResourceReference("Patient/p1"), BasedOn = [new ResourceReference("ServiceRequest/sr2")],
        };
        DiagnosticReport Of(string id, params string[] orders) => new()
        {
            Id = id, Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Text = "panel" }, Subject = new ResourceReference("Patient/p1"),
            BasedOn = [.. orders.Select(o => new ResourceReference($"ServiceRequest/{o}"))], Result = [new ResourceReference("Observation/o1")],
        };
        var bundle = Collection(
            Patient(), Doctor("d1", "dr-one"), Doctor("d2", "dr-two"), Order("sr1", "Practitioner/d1"), Order("sr2", "Practitioner/d2"),
            Of("both", "sr1"), Of("none"), Of("unknown", "missing", "sr1"), observation);

        var import = ResultImport.Read(bundle);

        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        Assert.Equal([("both", "dr-one"), ("none", "dr-two"), ("unknown", "dr-one")], import.Records.Select(r => (r.Id, r.OrderingProviderId)));
    }

    [Fact]
    public void TheRequester_IsFoundAmongTheOrdersOwnContainedResources_BeforeTheReports()
    {
        var order = Order("sr1", "#dr");
        order.Contained = [Doctor("dr", "dr-in-order")];
        var report = new DiagnosticReport
        {
            Id = "r", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Text = "panel" },
            Contained = [Doctor("dr", "dr-in-report")], Subject = new ResourceReference("Patient/p1"), BasedOn = [new ResourceReference("ServiceRequest/sr1")],
        };
        var alone = new DiagnosticReport
        {
            Id = "a", Status = DiagnosticReport.DiagnosticReportStatus.Final, Code = new CodeableConcept { Text = "panel" }, Subject = new ResourceReference("Patient/p1"), BasedOn = [new ResourceReference("ServiceRequest/sr1")],
        };

        Assert.Equal(["dr-in-order", "dr-in-order"], ResultImport.Read(Collection(Patient(), order, report, alone)).Records.Select(r => r.OrderingProviderId));
    }

    [Fact]
    public void ALoneObservation_IsItsOwnResult_AndItsProblemsAreNamedByItsEntry()
    {
        var good = new Observation
        {
            Id = "o1", Status = ObservationStatus.Amended, Code = new CodeableConcept { Text = "K" }, Subject = new ResourceReference("Patient/p1"), BasedOn = [new ResourceReference("ServiceRequest/sr1")],
        };
        var bad = new Observation { Id = "o2", Code = new CodeableConcept { Text = "K" }, Subject = new ResourceReference("urn:uuid:nobody") };

        var read = ResultImport.Read(Collection(Patient(), Doctor("d1", "dr-one"), Order("sr1", "Practitioner/d1"), good));
        var refused = ResultImport.Read(Collection(Patient(), Doctor("d1", "dr-one"), Order("sr1", "Practitioner/d1"), good, bad));

        Assert.Equal([new IncomingResult("o1", "pat-1", "dr-one", "K", ResultStatus.Amended, Abnormal: false)], read.Records);
        Assert.Empty(refused.Records);
        Assert.Equal(
            [
                ("entry[4].resource.subject", "Observation 'o2': the subject is neither in the bundle nor identified"),
                ("entry[4].resource.basedOn", "Observation 'o2' names no ordering provider (the requester of the ServiceRequest it is based on)"),
                ("entry[4].resource.status", "Observation 'o2' has no status"),
            ],
            refused.Errors.Select(e => (e.Path, e.Message)));
    }

    [Fact]
    public void AReportWithoutASubject_SaysSo()
    {
        var report = Report();
        report.Subject = null;

        Assert.Equal([("subject", "DiagnosticReport 'r' has no subject")], ResultImport.Read(report).Errors.Select(e => (e.Path, e.Message)));
    }

    [Theory]
    [InlineData("text", "Potassium", "Potassium")]
    [InlineData("", "Potassium", "Potassium")]
    [InlineData("display", "Serum potassium", "Serum potassium")]
    [InlineData("code", "2823-3", "2823-3")]
    public void WithoutACategory_TheKind_IsTheCodesText_ElseTheFirstDisplay_ElseTheFirstCode(string shape, string value, string kind)
    {
        var code = shape switch
        {
            "text" => new CodeableConcept { Text = value, Coding = [new Coding("http://loinc.org", "2823-3", "Serum potassium")] },
            "display" => new CodeableConcept { Text = string.Empty, Coding = [new Coding("http://loinc.org", "2823-3"), new Coding("http://lab.example", "K", string.Empty), new Coding("http://lab.example", "K2", value)] },
            "code" => new CodeableConcept { Coding = [new Coding("http://lab.example", null, string.Empty), new Coding("http://loinc.org", string.Empty), new Coding("http://loinc.org", value)] },
            _ => new CodeableConcept { Coding = [new Coding("http://loinc.org", "2823-3", value)] },
        };
        var report = Report();
        report.Category = [];
        report.Code = code;

        Assert.Equal(kind, One(report).Kind);
    }

    [Fact]
    public void AnInterpretation_IsAbnormalWhenAnyOfItsCodingsIs()
    {
        var observation = Value("o", 4m);
        observation.Interpretation = [new CodeableConcept { Coding = [new Coding("http://lab.example/flags", "X"), new Coding(Interpretation, "H")] }];
        var report = Report();
        report.ConclusionCode = [new CodeableConcept { Coding = [new Coding(Interpretation, "N"), new Coding(Interpretation, "A")] }];

        Assert.True(One(Report(observation)).Abnormal);
        Assert.True(One(report).Abnormal);
    }

    [Theory]
    [InlineData(3.4, true)]
    [InlineData(3.5, false)]
    [InlineData(5.1, false)]
    [InlineData(5.2, true)]
    public void AValue_IsAbnormalOutsideItsRange_AndInsideItsBounds_Normal(double value, bool abnormal) =>
        Assert.Equal(abnormal, One(Report(Value("o", (decimal)value, Range(3.5m, 5.1m)))).Abnormal);

    [Fact]
    public void AValue_OutsideAnyOfItsRanges_IsAbnormal_AndOneWithoutBoundsOrQuantity_IsNot()
    {
        var twoRanges = Value("o", 5.5m, Range(3.5m, 5.1m), Range(3.5m, 6m));
        var noBounds = Value("o", 50m, Range(null, null));
        var text = Value("o", 0m, Range(3.5m, 5.1m));
        text.Value = new FhirString("haemolysed");

        Assert.True(One(Report(twoRanges)).Abnormal);
        Assert.False(One(Report(noBounds)).Abnormal);
        Assert.False(One(Report(text)).Abnormal);
    }

    [Fact]
    public void AComponent_IsAbnormalByItsInterpretation_OrByItsValueOutsideItsRange()
    {
        static Observation.ComponentComponent Component(decimal value, string interpretation) => new()
        {
            Code = new CodeableConcept { Text = "systolic" }, Value = new Quantity(value, "mm[Hg]"), ReferenceRange = [new Observation.ReferenceRangeComponent { High = new Quantity(140m, "mm[Hg]") }],
            Interpretation = interpretation is null ? [] : [new CodeableConcept(Interpretation, interpretation)],
        };
        Observation Pressure(params Observation.ComponentComponent[] components) =>
            new() { Id = "bp", Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "blood pressure" }, Component = [.. components] };

        Assert.False(One(Report(Pressure(Component(120m, "N"), Component(130m, null)))).Abnormal);
        Assert.True(One(Report(Pressure(Component(120m, "N"), Component(130m, "H")))).Abnormal);
        Assert.True(One(Report(Pressure(Component(120m, "N"), Component(150m, null)))).Abnormal);
    }
}

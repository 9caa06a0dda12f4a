using System.Text;
using System.Text.Json.Nodes;
using MedCoord.Engine.Billing.X12;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>The eligibility request file: what it defaults, and every way it is refused, each naming its path.</summary>
public sealed class EligibilityRequestFileTests
{
    private static JsonObject Sample() => JsonNode.Parse(File.ReadAllText(X12Files.Path("eligibility-request.json")))!.AsObject();

    private static (EligibilityRequest? Request, List<string> Errors) Parse(string json)
    {
        var (request, errors) = EligibilityRequestFile.Parse(Encoding.UTF8.GetBytes(json));
        return (request, [.. errors.Select(e => e.ToString())]);
    }

    [Fact]
    public void Parse_Sample_ReadsEveryField()
    {
        var (request, errors) = Parse(Sample().ToJsonString());

        Assert.Empty(errors);
        Assert.Equal(("MEDCOORD01", "ACMEHLTH", 42), (request!.Envelope.SenderId, request.Envelope.ReceiverId, request.Envelope.ControlNumber));
        Assert.Equal(("cov-c", "pat-c", "1234567893"), (request.Inquiry.Coverage.Id, request.Inquiry.Patient.Id, request.Inquiry.Provider.Npi));
        Assert.Equal(["30", "98"], request.Inquiry.ServiceTypes);
        Assert.Equal(new NodaTime.LocalDate(2026, 12, 7), request.Inquiry.DateOfService);
    }

    [Fact]
    public void Parse_NoPatientAndNoServiceTypes_AsksForTheSubscriberAndHealthBenefitPlanCoverage()
    {
        var json = Sample();
        json.Remove("patient");
        json.Remove("serviceTypes");
        json["coverage"]!["relationship"] = "self";

        var (request, errors) = Parse(json.ToJsonString());

        Assert.Empty(errors);
        Assert.Equal("sub-c", request!.Inquiry.Patient.Id);
        Assert.Equal(["30"], request.Inquiry.ServiceTypes);
    }

    [Fact]
    public void Parse_InvalidUtf8_NamesTheByteOffset()
    {
        var bytes = Encoding.UTF8.GetBytes(Sample().ToJsonString());
        bytes[10] = 0xFF;

        var (request, errors) = EligibilityRequestFile.Parse(bytes);

        Assert.Null(request);
        var error = Assert.Single(errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("10", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Parse_OtherFormatVersion_IsRefused(int version)
    {
        var json = Sample();
        json["formatVersion"] = version;

        var (request, errors) = Parse(json.ToJsonString());

        Assert.Null(request);
        Assert.Equal([$"formatVersion: unsupported format version {version}; only 1 is supported"], errors);
    }

    [Fact]
    public void Parse_Null_IsRefused()
    {
        var (request, errors) = Parse("null");

        Assert.Null(request);
        Assert.Equal(["$: the file is empty (null)"], errors);
    }

    [Fact]
    public void Parse_WrongType_NamesThePath()
    {
        var json = Sample();
        json["dateOfService"] = 7;

        var (request, errors) = Parse(json.ToJsonString());

        Assert.Null(request);
        Assert.Equal("dateOfService", Assert.Single(errors.Select(e => e.Split(':')[0])));
    }

    [Fact]
    public void Parse_InquiryTheWriterWouldRefuse_IsRefusedWithItsProblems()
    {
        var json = Sample();
        json["serviceTypes"] = new JsonArray("30", "office");
        json["envelope"]!["receiverId"] = string.Empty;

        var (request, errors) = Parse(json.ToJsonString());

        Assert.Null(request);
        Assert.Contains("serviceTypes[1]: a service type code is 1 or 2 upper-case letters or digits (for example 30 or 98)", errors);
        Assert.Contains(errors, e => e.StartsWith("envelope.receiverId: ", StringComparison.Ordinal));
        X12Files.NoPatientData(EligibilityRequestFile.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())).Errors);
    }

    /// <summary>Each broken part is reported at once with its full path, in the file's order, as in the claim file (the same reader).</summary>
    [Fact]
    public void Parse_SeveralBrokenParts_AreEachReported()
    {
        var json = Sample();
        json["provider"]!["npi"] = 1234567893;
        json["coverage"]!["subscriber"]!["address"]!["floor"] = "3";
        json["serviceTypes"] = new JsonArray("30", 98);

        var (request, errors) = Parse(json.ToJsonString());

        Assert.Null(request);
        Assert.Equal(
        [
            "provider.npi: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)",
            "coverage.subscriber.address.floor: unknown field 'floor' (see docs/claim-format.md)",
            "serviceTypes[1]: the value is of the wrong kind or out of range for this field (see docs/claim-format.md)",
        ], errors);
    }
}

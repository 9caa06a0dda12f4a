using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>The 270 writer against a hand-written inquiry, and 271 reading into the engine's coverage and benefits.</summary>
public sealed class EligibilityTests
{
    private static EligibilityRequest Request()
    {
        var (request, errors) = EligibilityRequestFile.Parse(File.ReadAllBytes(X12Files.Path("eligibility-request.json")));
        Assert.Empty(errors);
        return request!;
    }

    private static IReadOnlyList<EligibilityResponse> Responses(string file)
    {
        var (responses, errors) = EligibilityResponseReader.Read(X12Files.Read(file));
        Assert.Empty(errors);
        return responses;
    }

    [Fact]
    public void Write_DependentInquiry_IsTheHandWrittenInquiry()
    {
        var request = Request();

        var x12 = EligibilityInquiryWriter.Write(request.Inquiry, request.Envelope, Instant.FromUtc(2026, 12, 1, 10, 0).InUtc());

        Assert.Equal(X12Files.Text("dependent-inquiry.270"), x12);
    }

    [Fact]
    public void Write_SubscriberIsThePatient_AsksInTheSubscriberLoop()
    {
        var request = Request();
        var coverage = request.Inquiry.Coverage with { Relationship = SubscriberRelationship.Self };
        var inquiry = request.Inquiry with { Coverage = coverage, Patient = coverage.Subscriber, ServiceTypes = ["30"] };

        var set = X12Files.ReadText(EligibilityInquiryWriter.Write(inquiry, request.Envelope, Instant.FromUtc(2026, 12, 1, 10, 0).InUtc())).Transactions.Single();

        Assert.Equal(["ST", "BHT", "HL", "NM1", "HL", "NM1", "HL", "TRN", "NM1", "DMG", "DTP", "EQ", "SE"], set.Segments.Select(s => s.Id));
        Assert.Equal("0", set.Segments[6][4]);
        Assert.Equal(("1", "cov-c", "1841234567"), (set.Segments[7][1], set.Segments[7][2], set.Segments[7][3]));
    }

    [Fact]
    public void Problems_BadInquiry_NameEveryPath()
    {
        var request = Request();
        var inquiry = request.Inquiry with { Provider = request.Inquiry.Provider with { Npi = "1234567890", TaxId = null }, ServiceTypes = ["30", "office"] };

        var problems = EligibilityInquiryWriter.Problems(inquiry, request.Envelope);

        Assert.Equal(
        [
            "provider.npi: '1234567890' is not a valid NPI (ten digits with a Luhn check digit)",
            "provider.taxId: a 9-digit employer identification number is required (it identifies who assigned the trace number, TRN03)",
            "serviceTypes[1]: a service type code is 1 or 2 upper-case letters or digits (for example 30 or 98)",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_RequestFileWithUnknownField_NamesItsPath()
    {
        var json = File.ReadAllText(X12Files.Path("eligibility-request.json")).Replace("\"serviceTypes\"", "\"serviceType\"", StringComparison.Ordinal);

        var (request, errors) = EligibilityRequestFile.Parse(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Null(request);
        Assert.Equal("serviceType", Assert.Single(errors).Path);
    }

    [Fact]
    public void Read_Benefits271_ReadsStatusPlanDatesAndEveryBenefit()
    {
        var response = Assert.Single(Responses("benefits.271"));

        Assert.Equal(("cov-a", "ACMEHLTH", false, true), (response.Trace, response.PayerId, response.IsDependent, response.Active));
        Assert.Equal((new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31)), (response.PlanBegin, response.PlanEnd));
        Assert.Equal(["30", "1", "33", "98"], response.Benefits[0].ServiceTypes);
        Assert.Equal(["93306", "ST:MH"], response.AuthorizationRequired);
        Assert.Empty(response.Rejections);
    }

    [Fact]
    public void ToBenefits_TakesInNetworkIndividualAmountsAndWhatIsLeft()
    {
        var benefits = Responses("benefits.271")[0].ToBenefits();

        Assert.Equal(new Accumulator(1000m, 850m), benefits.Deductible);
        Assert.Equal(new Accumulator(4000m, 1350m), benefits.OutOfPocketMaximum);
        Assert.Equal(20m, benefits.CoinsurancePercent);
        Assert.Equal(new Dictionary<string, decimal> { ["office-visit"] = 30m, ["lab"] = 0m, ["urgent-care"] = 75m }, benefits.Copays);
        Assert.Equal(["93306"], benefits.PriorAuthorization);
    }

    [Fact]
    public void ApplyTo_Coverage_ReplacesWhatThePayerSaidAndKeepsTheRest()
    {
        var coverage = ClaimTests.Sample().Claims[0].Coverage;

        var updated = Responses("benefits.271")[0].ApplyTo(coverage, new Dictionary<string, string> { ["98"] = "office-visit" });

        Assert.Equal(new Accumulator(1000m, 850m), updated.Benefits.Deductible);
        Assert.Equal(new Dictionary<string, decimal> { ["office-visit"] = 30m, ["specialist"] = 50m, ["5"] = 0m, ["UC"] = 75m }, updated.Benefits.Copays);
        Assert.Equal(new LocalDate(2026, 12, 31), updated.EffectiveTo);
        Assert.Equal(coverage.Benefits.CopayCountsTowardOutOfPocket, updated.Benefits.CopayCountsTowardOutOfPocket);
        Assert.Equal((coverage.Id, coverage.MemberId), (updated.Id, updated.MemberId));
    }

    [Fact]
    public void Read_InactiveDependentAndRejectedSubscriber_ReportsEachByItsCodes()
    {
        var responses = Responses("inactive-rejected.271");

        Assert.Equal(3, responses.Count);
        Assert.Equal(("cov-c", false, (bool?)null), (responses[0].Trace, responses[0].IsDependent, responses[0].Active));
        Assert.Equal(("cov-c", true, (bool?)false), (responses[1].Trace, responses[1].IsDependent, responses[1].Active));
        Assert.Equal((new LocalDate(2025, 6, 1), new LocalDate(2026, 5, 31)), (responses[1].PlanBegin, responses[1].PlanEnd));
        Assert.Equal(
            ["AAA 72 (invalid/missing subscriber/insured id) in loop 2100C, follow-up C", "AAA 58 (invalid/missing date of birth) in loop 2100C, follow-up C"],
            responses[2].Rejections.Select(r => r.ToString()));
    }

    [Fact]
    public void Read_PayerCannotRespond_ReportsTheRejection()
    {
        var response = Assert.Single(Responses("payer-unavailable.271"));

        Assert.Null(response.Active);
        Assert.Equal([("2100A", "42", "R")], response.Rejections.Select(r => (r.Loop, r.Code, r.FollowUp)));
    }

    [Theory]
    [InlineData("EB*A*IND*30***27**.2****Y", "EB*A*IND*30***27**20****Y", "segment 24 (EB): EB08 is a fraction from 0 to 1 (0.2 is 20 percent)")]
    [InlineData("EB*C*IND*30***23*1000*****Y", "EB*C*IND*30***23*1,000*****Y", "segment 18 (EB): EB07 is not a number")]
    [InlineData("EB*B*IND*98***27*30*****Y", "EB*B*IND*98***27*30*****X", "segment 26 (EB): EB12 must be Y, N, U or W")]
    [InlineData("DTP*346*D8*20260101", "DTP*346*D8*2026-01-01", "segment 15 (DTP): DTP03 is not a date (D8, CCYYMMDD) or a date range (RD8, CCYYMMDD-CCYYMMDD) as DTP02 says")]
    public void Read_MalformedBenefit_NamesTheSegment(string from, string to, string expected)
    {
        var text = X12Files.Text("benefits.271");
        Assert.Contains(from, text, StringComparison.Ordinal);

        var (_, errors) = EligibilityResponseReader.Read(X12Files.ReadText(text.Replace(from, to, StringComparison.Ordinal)));

        Assert.Equal([expected], errors.Select(e => e.ToString()));
    }
}

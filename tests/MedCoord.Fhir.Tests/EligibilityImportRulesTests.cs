#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Engine.Billing.X12;
using Xunit;

namespace MedCoord.Fhir.Tests;

/// <summary>
/// A payer's CoverageEligibilityResponse the way payers write it: each item read as the EB segments it stands for
/// (service types, network, unit, procedure, authorisation, amounts), the payer and coverage identifiers, and the
/// messages of what is wrong.
/// </summary>
public sealed class EligibilityImportRulesTests
{
    private const string BenefitType = "http://terminology.hl7.org/CodeSystem/benefit-type";

    private static CoverageEligibilityResponse Response(params CoverageEligibilityResponse.ItemsComponent[] items) => new()
    {
        Id = "r1", Status = FinancialResourceStatusCodes.Active, Outcome = ClaimProcessingCodes.Complete,
        Insurer = new ResourceReference { Identifier = new Identifier("urn:medcoord:payer", "ACMEHLTH") },
        Insurance = [new() { Coverage = new ResourceReference { Identifier = new Identifier("urn:medcoord:coverage", "cov-a") }, Item = [.. items] }],
    };

    private static CoverageEligibilityResponse.BenefitComponent Benefit(string type, DataType allowed, DataType used = null) =>
        new() { Type = new CodeableConcept(BenefitType, type), Allowed = allowed, Used = used };

    private static string Text(BenefitEntry b) =>
        $"{b.Code}|{b.CoverageLevel}|{string.Join(",", b.ServiceTypes)}|{b.TimePeriod}|{b.Amount}|{b.Percent}|{b.AuthorizationRequired}|{b.Network}|{b.ProcedureCode}";

    private static List<string> Benefits(CoverageEligibilityResponse response)
    {
        var read = EligibilityImport.Read(response);
        Assert.True(read.Succeeded, string.Join("; ", read.Errors));
        return [.. Assert.Single(read.Records).Benefits.Select(Text)];
    }

    [Fact]
    public void AnItem_IsTheEbSegmentsOfItsBenefits_WithItsServiceTypesNetworkUnitAndProcedure()
    {
        var item = new CoverageEligibilityResponse.ItemsComponent
        {
            Category = new CodeableConcept
            {
                Coding =
                [
                    new Coding("http://payer.example/categories", "X"), new Coding("https://x12.org/codes/service-type-codes", "30"),
                    new Coding("http://terminology.hl7.org/CodeSystem/ex-benefitcategory", "1"), new Coding("https://x12.org/codes/service-type-codes", string.Empty),
                ],
            },
            Network = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-network", "in"),
            Unit = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-unit", "family"),
            ProductOrService = new CodeableConcept { Coding = [new Coding("http://www.ama-assn.org/go/cpt", string.Empty), new Coding("http://www.ama-assn.org/go/cpt", "99213")] },
            AuthorizationRequired = true,
            Benefit =
            [
                Benefit("deductible", new Money { Value = 0m, Currency = Money.Currencies.USD }, new Money { Value = 0m }),
                Benefit("out-of-pocket-maximum", new Money { Value = 3000m }),
                Benefit("copay", new Money { Value = 25m }),
                Benefit("coinsurance-percent", new UnsignedInt(20)),
                Benefit("benefit", new Money { Value = 1m }),
                new() { Allowed = new Money { Value = 2m } },
            ],
        };

        Assert.Equal(
            [
                "CB|FAM|30,1||||True|Y|99213",
                "C|FAM|30,1|23|0||True|Y|99213",
                "C|FAM|30,1|24|0||True|Y|99213",
                "G|FAM|30,1|23|3000||True|Y|99213",
                "B|FAM|30,1|27|25||True|Y|99213",
                "A|FAM|30,1|||20|True|Y|99213",
            ],
            Benefits(Response(item)));
    }

    [Theory]
    [InlineData("out", "individual", "N", "IND")]
    [InlineData("other", "employee", "", "")]
    [InlineData(null, null, "", "")]
    public void TheNetworkAndUnit_AreEb12AndEb02(string network, string unit, string eb12, string eb02)
    {
        var item = new CoverageEligibilityResponse.ItemsComponent
        {
            Network = network is null ? new CodeableConcept { Text = "not coded" } : new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-network", network),
            Unit = unit is null ? new CodeableConcept { Text = "not coded" } : new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-unit", unit),
            Benefit = [Benefit("copay", new Money { Value = 10m })],
        };

        Assert.Equal([$"B|{eb02}||27|10|||{eb12}|"], Benefits(Response(item)));
    }

    [Fact]
    public void AnAuthorisation_IsAProceduresOnly_AndACopay_IsFiledUnderItsEngineCategory()
    {
        var noProcedure = new CoverageEligibilityResponse.ItemsComponent { AuthorizationRequired = true, ProductOrService = new CodeableConcept { Text = "surgery" } };
        var noAuthorisation = new CoverageEligibilityResponse.ItemsComponent { AuthorizationRequired = false, ProductOrService = new CodeableConcept("http://www.ama-assn.org/go/cpt", "97110") };
        var categorised = new CoverageEligibilityResponse.ItemsComponent
        {
            Category = new CodeableConcept("https://x12.org/codes/service-type-codes", "98"),
            Benefit =
            [
                new() { Type = new CodeableConcept { Coding = [new Coding(BenefitType, "copay"), new Coding("urn:medcoord:code:service-category", "specialist")] }, Allowed = new Money { Value = 40m } },
            ],
        };

        Assert.Equal(["B||specialist|27|40||||"], Benefits(Response(noProcedure, noAuthorisation, categorised)));
    }

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "6")]
    public void InForce_IsActiveCoverage_ElseInactive(bool inforce, string code)
    {
        var response = Response();
        response.Insurance[0].Inforce = inforce;

        Assert.Equal([$"{code}||||||||"], Benefits(response));
    }

    [Fact]
    public void TheCoverageAndPayer_AreTheEngineIdentifiersOfTheResourcesInTheBundle_AndTheAnswerIsNotADependents()
    {
        var response = Response();
        response.Insurer = new ResourceReference("Organization/o1");
        response.Insurance[0].Coverage = new ResourceReference("Coverage/c1");
        response.Insurance[0].BenefitPeriod = new Period { Start = "2027-01-01", End = "2027-12-31" };
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Entry =
            [
                new() { FullUrl = "http://payer.example/fhir/Organization/o1", Resource = new Organization { Id = "o1", Identifier = [new Identifier("http://hl7.org/fhir/sid/us-npi", "1234567893"), new Identifier("urn:medcoord:payer", "ACMEHLTH")] } },
                new() { FullUrl = "http://payer.example/fhir/Coverage/c1", Resource = new Hl7.Fhir.Model.Coverage { Id = "c1", Identifier = [new Identifier("http://payer.example/member", "M-1"), new Identifier("urn:medcoord:coverage", "cov-a")] } },
                new() { FullUrl = "http://payer.example/fhir/CoverageEligibilityResponse/r1", Resource = response },
            ],
        };

        var read = EligibilityImport.Read(bundle);

        Assert.True(read.Succeeded, string.Join("; ", read.Errors));
        var answer = Assert.Single(read.Records);
        Assert.Equal((2, "cov-a", "ACMEHLTH", false, new NodaTime.LocalDate(2027, 1, 1), new NodaTime.LocalDate(2027, 12, 31)), (answer.Position, answer.Trace, answer.PayerId, answer.IsDependent, answer.PlanBegin, answer.PlanEnd));
    }

    [Fact]
    public void ARejectionOnly_IsAnAnswerOfThePayer_WithoutCoverage()
    {
        var response = Response();
        response.Insurance = [];
        response.Error = [new() { Code = new CodeableConcept("https://x12.org/codes/aaa-reject-reasons", "72") }];

        var answer = Assert.Single(EligibilityImport.Read(response).Records);

        Assert.Equal((0, string.Empty, "ACMEHLTH", false, (NodaTime.LocalDate?)null), (answer.Position, answer.Trace, answer.PayerId, answer.IsDependent, answer.PlanBegin));
        Assert.Equal([new EligibilityRejection(0, "error[0]", "72", string.Empty, "72")], answer.Rejections);
        Assert.Empty(answer.Benefits);
    }

    [Fact]
    public void ABadResponse_SaysWhatIsWrong_NamedByItsIdentifierElseItsId()
    {
        var response = new CoverageEligibilityResponse
        {
            Id = "r1", Identifier = [new Identifier("http://payer.example/response", "ELIG-9")], Status = FinancialResourceStatusCodes.Active, Outcome = ClaimProcessingCodes.Complete,
            Insurer = new ResourceReference { Identifier = new Identifier("urn:medcoord:payer", "ACMEHLTH") },
            Insurance = [new() { BenefitPeriod = new Period { End = "2027" } }],
        };
        var empty = new CoverageEligibilityResponse { Id = "r2", Outcome = ClaimProcessingCodes.Complete, Insurer = new ResourceReference { Identifier = new Identifier("urn:medcoord:payer", "ACMEHLTH") } };

        Assert.Equal(
            [
                ("insurance[0].coverage", "CoverageEligibilityResponse 'ELIG-9': insurance 1 names no coverage"),
                ("insurance[0].benefitPeriod.end", "CoverageEligibilityResponse 'ELIG-9': not a full date"),
            ],
            EligibilityImport.Read(response).Errors.Select(e => (e.Path, e.Message)));
        Assert.Equal(
            [
                ("status", "CoverageEligibilityResponse 'r2': only an active response is an answer, found none"),
                ("insurance", "CoverageEligibilityResponse 'r2' has neither insurance nor an error: it answers nothing"),
            ],
            EligibilityImport.Read(empty).Errors.Select(e => (e.Path, e.Message)));
    }
}

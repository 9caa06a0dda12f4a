#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using MedCoord.Scheduling.Validation;
using Xunit;
using static MedCoord.Fhir.Tests.EngineRecordsFixture;

namespace MedCoord.Fhir.Tests;

/// <summary>A payer's CoverageEligibilityResponse read by the 271's rules: the benefits, what is used of them, authorisations, in force or not, and rejections.</summary>
public sealed class EligibilityImportTests
{
    private static MedCoord.Engine.Billing.Coverage Coverage => CoverageOf(Ana, SubscriberRelationship.Self);

    private static ResourceReference Payer() => new() { Identifier = new Identifier("urn:medcoord:payer", "ACMEHLTH") };

    [Fact]
    public void TheEnginesOwnAnswer_ReadBack_GivesTheCoveragesBenefits()
    {
        var inquiry = new EligibilityInquiry(Coverage with { Authorizations = [] }, Ana, Clinic, ["30", "98"], Monday);
        var answer = EligibilityCheck.Check(inquiry.Coverage, Monday, ["99213", "97110"]);

        var read = EligibilityImport.Read(EligibilityBundle.Export("elig-1", inquiry, answer, T0));

        Assert.True(read.Succeeded, string.Join(Environment.NewLine, read.Errors));
        var response = Assert.Single(read.Records);
        Assert.Equal(("cov-a", "ACMEHLTH", (bool?)true), (response.Trace, response.PayerId, response.Active));
        Assert.Equal((Coverage.EffectiveFrom, Coverage.EffectiveTo), (response.PlanBegin, response.PlanEnd));
        Assert.Equal(["97110"], response.AuthorizationRequired);
        var blank = Coverage with { Benefits = new Benefits(new Dictionary<string, decimal>(), new Accumulator(0, 0), 0, new Accumulator(0, 0), []), EffectiveTo = null };
        var applied = response.ApplyTo(blank).Benefits;
        var expected = Coverage.Benefits;
        Assert.Equal(expected.Copays.OrderBy(c => c.Key, StringComparer.Ordinal), applied.Copays.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.Equal((expected.Deductible, expected.OutOfPocketMaximum, expected.CoinsurancePercent), (applied.Deductible, applied.OutOfPocketMaximum, applied.CoinsurancePercent));
        Assert.Equal(expected.PriorAuthorization, applied.PriorAuthorization);
        Assert.Equal(Coverage.EffectiveTo, response.ApplyTo(blank).EffectiveTo);
    }

    [Fact]
    public void TheSpecificationsBenefitsExample_ReadsItsCoinsurance_AndLeavesWhatItDoesNotSay()
    {
        // The content of the R4 example coverageeligibilityresponse-example-benefits-2 (amounts in SAR for benefits the engine does not keep).
        static CoverageEligibilityResponse.ItemsComponent Item(string category, params CoverageEligibilityResponse.BenefitComponent[] benefits) => new()
        {
            Category = new CodeableConcept("http://terminology.hl7.org/CodeSystem/ex-benefitcategory", category),
            Network = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-network", "in"),
            Unit = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-unit", "individual"),
            Term = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-term", "annual"),
            Benefit = [.. benefits],
        };
        static CoverageEligibilityResponse.BenefitComponent Benefit(string type, DataType allowed) =>
            new() { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-type", type), Allowed = allowed };
        static Money Sar(decimal value) => new() { Value = value, Currency = Money.Currencies.SAR };
        var response = new CoverageEligibilityResponse
        {
            Id = "E2501",
            Identifier = [new Identifier("http://www.BenefitsInc.com/fhir/coverageeligibilityresponse", "881234")],
            Status = FinancialResourceStatusCodes.Active,
            Purpose = [CoverageEligibilityResponse.EligibilityResponsePurpose.Validation, CoverageEligibilityResponse.EligibilityResponsePurpose.Benefits],
            Patient = new ResourceReference("Patient/pat1"),
            Serviced = new Date("2014-09-17"),
            Created = "2014-08-16",
            Request = new ResourceReference("http://www.BenefitsInc.com/fhir/coverageeligibilityresponse/225476332402"),
            Outcome = ClaimProcessingCodes.Complete,
            Disposition = "Policy is currently in-force.",
            Insurer = new ResourceReference("Organization/2"),
            Insurance =
            [
                new()
                {
                    Coverage = new ResourceReference("Coverage/9876B1"),
                    Inforce = true,
                    Item =
                    [
                        Item("30", Benefit("benefit", Sar(500000)), Benefit("copay-maximum", Sar(100)), Benefit("copay-percent", new UnsignedInt(20))),
                        Item("69", Benefit("benefit", Sar(15000))),
                        Item("F3", Benefit("benefit", Sar(2000))),
                        Item("49", Benefit("room", new FhirString("shared")), Benefit("benefit", Sar(600))),
                    ],
                },
            ],
        };
        Assert.Empty(FhirValidation.Errors(response));

        var read = EligibilityImport.Read(response);

        var answer = Assert.Single(read.Records);
        Assert.Equal(("9876B1", "2", (bool?)true), (answer.Trace, answer.PayerId, answer.Active));
        var benefits = answer.ApplyTo(Coverage).Benefits;
        Assert.Equal(20, benefits.CoinsurancePercent);
        Assert.Equal((Coverage.Benefits.Deductible, Coverage.Benefits.OutOfPocketMaximum), (benefits.Deductible, benefits.OutOfPocketMaximum));
        Assert.Equal(Coverage.Benefits.Copays.OrderBy(c => c.Key, StringComparer.Ordinal), benefits.Copays.OrderBy(c => c.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void ARejection_IsReadWithItsCodes_AndSaysNothingOfCoverage()
    {
        var response = new CoverageEligibilityResponse
        {
            Id = "r1",
            Status = FinancialResourceStatusCodes.Active,
            Outcome = ClaimProcessingCodes.Error,
            Insurer = Payer(),
            Error = [new CoverageEligibilityResponse.ErrorsComponent { Code = new CodeableConcept("http://terminology.hl7.org/CodeSystem/adjudication-error", "a001", "Missing Identifier") }],
        };

        var answer = Assert.Single(EligibilityImport.Read(response).Records);

        Assert.Null(answer.Active);
        Assert.Equal([new EligibilityRejection(0, "error[0]", "a001", string.Empty, "Missing Identifier")], answer.Rejections);
        Assert.Equal(Coverage.Benefits.CoinsurancePercent, answer.ApplyTo(Coverage).Benefits.CoinsurancePercent);
    }

    [Fact]
    public void NotInForce_ReadsInactive()
    {
        var inquiry = new EligibilityInquiry(CoverageOf(Luis, SubscriberRelationship.Spouse), Ana, Clinic, ["30"], Monday);
        var answer = EligibilityCheck.Check(inquiry.Coverage, new NodaTime.LocalDate(2027, 2, 1), ["99213"]);

        var read = EligibilityImport.Read(EligibilityBundle.Export("elig-2", inquiry, answer, T0));

        Assert.False(Assert.Single(read.Records).Active);
    }

    [Fact]
    public void BadResponses_NameEachFault_AndReadNothing()
    {
        var bad = new CoverageEligibilityResponse
        {
            Id = "bad",
            Status = FinancialResourceStatusCodes.Active,
            Error = [new CoverageEligibilityResponse.ErrorsComponent { Code = new CodeableConcept { Text = "no code" } }],
            Insurance =
            [
                new()
                {
                    BenefitPeriod = new Period { Start = "2026-13" },
                    Item =
                    [
                        new()
                        {
                            Benefit =
                            [
                                new() { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-type", "deductible"), Allowed = new Money { Value = 500, Currency = Money.Currencies.EUR }, Used = new Money { Value = -1 } },
                                new() { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-type", "copay-percent"), Allowed = new UnsignedInt(150) },
                                new() { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-type", "copay"), Allowed = new FhirString("ten") },
                            ],
                        },
                    ],
                },
            ],
        };
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Entry = [new() { Resource = new Patient() }, new() { Resource = bad }] };

        var read = EligibilityImport.Read(bundle);

        Assert.Empty(read.Records);
        Assert.Equal(
            [
                "entry[1].resource.insurer", "entry[1].resource.outcome", "entry[1].resource.error[0].code", "entry[1].resource.insurance[0].coverage",
                "entry[1].resource.insurance[0].item[0].benefit[0].allowed", "entry[1].resource.insurance[0].item[0].benefit[0].used",
                "entry[1].resource.insurance[0].item[0].benefit[1].allowed", "entry[1].resource.insurance[0].item[0].benefit[2].allowed",
                "entry[1].resource.insurance[0].benefitPeriod.start",
            ],
            read.Errors.Select(e => e.Path));
        Assert.All(read.Errors, e => Assert.StartsWith("CoverageEligibilityResponse 'bad'", e.Message, StringComparison.Ordinal));
        Assert.Equal([new ValidationError("entry", "the bundle holds no CoverageEligibilityResponse")], EligibilityImport.Read(new Bundle { Type = Bundle.BundleType.Collection }).Errors);
        Assert.Equal("insurance", Assert.Single(EligibilityImport.Read(new CoverageEligibilityResponse { Status = FinancialResourceStatusCodes.Active, Outcome = ClaimProcessingCodes.Complete, Insurer = Payer() }).Errors).Path);
        Assert.Throws<ArgumentNullException>(() => EligibilityImport.Read((Bundle)null));
        Assert.Throws<ArgumentNullException>(() => EligibilityImport.Read((CoverageEligibilityResponse)null));
    }

    [Fact]
    public void OnlyAnActiveResponse_IsAnAnswer_AndAnExcludedItemAddsNothing()
    {
        static CoverageEligibilityResponse Response(FinancialResourceStatusCodes? status) => new()
        {
            Id = "x",
            Status = status,
            Outcome = ClaimProcessingCodes.Complete,
            Insurer = Payer(),
            Insurance =
            [
                new()
                {
                    Coverage = new ResourceReference { Identifier = new Identifier("urn:medcoord:coverage", "cov-a") },
                    Item =
                    [
                        new()
                        {
                            Excluded = true,
                            Category = new CodeableConcept("https://x12.org/codes/service-type-codes", "30"),
                            Benefit = [new() { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-type", "copay-percent"), Allowed = new UnsignedInt(90) }],
                        },
                        new()
                        {
                            Excluded = false,
                            Category = new CodeableConcept("https://x12.org/codes/service-type-codes", "30"),
                            Benefit = [new() { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-type", "copay-percent"), Allowed = new UnsignedInt(30) }],
                        },
                    ],
                },
            ],
        };

        Assert.Equal(30, Assert.Single(EligibilityImport.Read(Response(FinancialResourceStatusCodes.Active)).Records).ApplyTo(Coverage).Benefits.CoinsurancePercent);
        Assert.Equal(
            [new ValidationError("status", "CoverageEligibilityResponse 'x': only an active response is an answer, found entered-in-error")],
            EligibilityImport.Read(Response(FinancialResourceStatusCodes.EnteredInError)).Errors);
        Assert.Equal("status", Assert.Single(EligibilityImport.Read(Response(null)).Errors).Path);
    }
}

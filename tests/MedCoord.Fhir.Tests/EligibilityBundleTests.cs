#nullable disable
using Hl7.Fhir.Model;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using Xunit;
using static MedCoord.Fhir.Tests.BundleReading;
using static MedCoord.Fhir.Tests.EngineRecordsFixture;

namespace MedCoord.Fhir.Tests;

/// <summary>An eligibility inquiry and the engine's answer as CoverageEligibilityRequest and Response: valid, and saying what the coverage and the check say.</summary>
public sealed class EligibilityBundleTests
{
    private static EligibilityInquiry Inquiry(MedCoord.Engine.Billing.Person patient, MedCoord.Engine.Billing.Coverage coverage) => new(coverage, patient, Clinic, ["30", "98"], Monday);

    private static T Single<T>(Bundle bundle)
        where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>().Single();

    [Fact]
    public void Export_AnAnswerNeedingAnAuthorization_ValidatesAndListsBenefitsUsedAndTheService()
    {
        var inquiry = Inquiry(Ana, CoverageOf(Ana, SubscriberRelationship.Self) with { Authorizations = [] });
        var answer = EligibilityCheck.Check(inquiry.Coverage, Monday, ["99213", "97110"]);

        var bundle = EligibilityBundle.Export("elig-1", inquiry, answer, T0);
        var request = Single<CoverageEligibilityRequest>(bundle);
        var response = Single<CoverageEligibilityResponse>(bundle);

        var errors = FhirValidation.Errors(bundle);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        Assert.Equal(EligibilityStatus.NeedsAuthorization, answer.Status);
        Assert.Equal(["30", "98"], request.Item.Select(i => i.Category.Coding[0].Code));
        Assert.Equal("2026-12-07", ((Date)request.Serviced).Value);
        Assert.Equal(bundle.Entry.Single(e => e.Resource == request).FullUrl, response.Request.Reference);
        var insurance = response.Insurance.Single();
        Assert.True(insurance.Inforce);
        var deductible = insurance.Item[0].Benefit.Single(b => b.Type.Coding[0].Code == "deductible");
        Assert.Equal((1000.00m, 800.00m), (((Money)deductible.Allowed).Value!.Value, ((Money)deductible.Used).Value!.Value));
        Assert.Equal([("office-visit", 30.00m), ("specialist", 50m)], insurance.Item[0].Benefit.Where(b => b.Type.Coding[0].Code == "copay").Select(b => (b.Type.Text, ((Money)b.Allowed).Value!.Value)));
        Assert.Equal(("97110", true), (insurance.Item[^1].ProductOrService.Coding[0].Code, insurance.Item[^1].AuthorizationRequired!.Value));
        Assert.Equal(answer.Reason, response.Disposition);
        Assert.Equal("ACM123456789", Single<Hl7.Fhir.Model.Coverage>(bundle).SubscriberId);
    }

    /// <summary>
    /// A second address line is <c>Address.line[1]</c> of the Patient, the subscriber's RelatedPerson and the provider's
    /// Organization, in order after the street, and survives FHIR JSON; an address without one has a single line.
    /// </summary>
    [Fact]
    public void Export_SecondAddressLine_IsLine1InFhirAfterTheStreet_AndReadsBackFromJson()
    {
        var patient = Ana with { Address = Ana.Address with { Line2 = "Apt 4" } };
        var inquiry = new EligibilityInquiry(CoverageOf(Luis, SubscriberRelationship.Spouse), patient, Clinic with { Address = Clinic.Address! with { Line2 = "Suite 200" } }, ["30"], Monday);

        var exported = EligibilityBundle.Export("elig-3", inquiry, null, T0);
        Assert.Empty(FhirJson.TryParseBundle(FhirJson.Serialize(exported), out var bundle));

        var errors = FhirValidation.Errors(bundle);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        Assert.Equal(["120 Elm St", "Apt 4"], Single<Patient>(bundle).Address.Single().Line);
        Assert.Equal(["120 Elm St"], Single<RelatedPerson>(bundle).Address.Single().Line);
        var clinic = bundle.Entry.Select(e => e.Resource).OfType<Organization>().Single(o => o.Identifier.Any(i => i.Value == "1234567893"));
        Assert.Equal(["400 River Rd", "Suite 200"], clinic.Address.Single().Line);
        Assert.Equal(("Denver", "CO", "802021234"), (clinic.Address[0].City, clinic.Address[0].State, clinic.Address[0].PostalCode));
    }

    [Fact]
    public void Export_ADependentOutOfCoverage_IsNotInForce_AndTheRequestAloneHasNoResponse()
    {
        var inquiry = Inquiry(Ana, CoverageOf(Luis, SubscriberRelationship.Spouse));
        var answer = EligibilityCheck.Check(inquiry.Coverage, new NodaTime.LocalDate(2027, 2, 1), ["99213"]);

        var bundle = EligibilityBundle.Export("elig-2", inquiry, answer, T0);
        var alone = EligibilityBundle.Export("elig-2", inquiry, null, T0);

        Assert.Empty(FhirValidation.Errors(bundle));
        Assert.Equal(EligibilityStatus.Inactive, answer.Status);
        Assert.False(Single<CoverageEligibilityResponse>(bundle).Insurance.Single().Inforce);
        Assert.Equal("Luis", Single<RelatedPerson>(bundle).Name[0].Given.Single());
        Assert.Empty(alone.Entry.Select(e => e.Resource).OfType<CoverageEligibilityResponse>());
        Assert.Single(alone.Entry.Select(e => e.Resource).OfType<CoverageEligibilityRequest>());
        Assert.Throws<ArgumentException>(() => EligibilityBundle.Export(" ", inquiry, null, T0));
        Assert.Equal("inquiry", Assert.Throws<ArgumentNullException>(() => EligibilityBundle.Export("elig-1", null, null, T0)).ParamName);
    }

    [Fact]
    public void Export_EveryFieldOfTheRequestAndResponse_SaysWhatTheInquiryAndAnswerSay()
    {
        var inquiry = Inquiry(Ana, CoverageOf(Ana, SubscriberRelationship.Self));
        var answer = EligibilityCheck.Check(inquiry.Coverage, Monday, ["99213", "G0439"]) with { Unauthorized = ["99213", "G0439"] };

        var bundle = EligibilityBundle.Export("elig-9", inquiry, answer, T0);
        var request = Single<CoverageEligibilityRequest>(bundle);
        var response = Single<CoverageEligibilityResponse>(bundle);
        Assert.Equal(
            "urn:medcoord:eligibility=elig-9 Active Validation,Benefits Patient:pat-a 2026-12-07 2026-12-07T15:00:00Z Organization:1234567893 Organization:ACMEHLTH Coverage:cov-a True"
            + " [https://x12.org/codes/service-type-codes|30, https://x12.org/codes/service-type-codes|98]",
            $"{request.Identifier.Single().System}={request.Identifier.Single().Value} {request.Status} {string.Join(",", request.Purpose)} {Ref(bundle, request.Patient)} {((Date)request.Serviced).Value}"
            + $" {request.Created} {Ref(bundle, request.Provider)} {Ref(bundle, request.Insurer)} {Ref(bundle, request.Insurance.Single().Coverage)} {request.Insurance.Single().Focal}"
            + $" [{string.Join(", ", request.Item.Select(i => Codes(i.Category)))}]");
        Assert.Equal(
            $"urn:medcoord:eligibility=elig-9 Active Validation,Benefits Patient:pat-a 2026-12-07 2026-12-07T15:00:00Z Organization:1234567893 Complete '{answer.Reason}' Organization:ACMEHLTH Coverage:cov-a 2026-01-01..2026-12-31",
            $"{response.Identifier.Single().System}={response.Identifier.Single().Value} {response.Status} {string.Join(",", response.Purpose)} {Ref(bundle, response.Patient)} {((Date)response.Serviced).Value}"
            + $" {response.Created} {Ref(bundle, response.Requestor)} {response.Outcome} '{response.Disposition}' {Ref(bundle, response.Insurer)} {Ref(bundle, response.Insurance.Single().Coverage)}"
            + $" {response.Insurance.Single().BenefitPeriod.Start}..{response.Insurance.Single().BenefitPeriod.End}");
        var items = response.Insurance.Single().Item;
        Assert.Equal(4, items.Count);
        Assert.All(items.Take(2), item => Assert.Equal(
            "http://terminology.hl7.org/CodeSystem/benefit-network|in http://terminology.hl7.org/CodeSystem/benefit-unit|individual http://terminology.hl7.org/CodeSystem/benefit-term|annual"
            + " [http://terminology.hl7.org/CodeSystem/benefit-type|deductible 1000.00/800.00, urn:medcoord:code:benefit-type|out-of-pocket-maximum 'out-of-pocket maximum' 4000.00/1200.00,"
            + " urn:medcoord:code:benefit-type|coinsurance-percent 'coinsurance percent' 20/-,"
            + " http://terminology.hl7.org/CodeSystem/benefit-type|copay+urn:medcoord:code:service-category|office-visit 'office-visit' 30.00/-,"
            + " http://terminology.hl7.org/CodeSystem/benefit-type|copay+urn:medcoord:code:service-category|specialist 'specialist' 50/-]",
            $"{Codes(item.Network)} {Codes(item.Unit)} {Codes(item.Term)} [{string.Join(", ", item.Benefit.Select(b => $"{Codes(b.Type)} {Amount(b.Allowed)}/{Amount(b.Used)}"))}]"));
        Assert.Equal(["https://x12.org/codes/service-type-codes|30", "https://x12.org/codes/service-type-codes|98"], items.Take(2).Select(i => Codes(i.Category)));
        Assert.Equal(
            ["http://www.ama-assn.org/go/cpt|99213 True", "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets|G0439 True"],
            items.Skip(2).Select(i => $"{Codes(i.ProductOrService)} {i.AuthorizationRequired}"));
        Assert.Equal(
            ("Copayment per service", "Deductible", "In Network", "Individual", "Annual"),
            (items[0].Benefit[3].Type.Coding[0].Display, items[0].Benefit[0].Type.Coding[0].Display, items[0].Network.Coding[0].Display, items[0].Unit.Coding[0].Display,
                items[0].Term.Coding[0].Display));
        Assert.Equal(
            (Bundle.BundleType.Collection, T0.ToDateTimeOffset()),
            (bundle.Type!.Value, bundle.Timestamp!.Value));
    }

    private static string Amount(DataType value) => value switch
    {
        null => "-",
        Money m => m.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        UnsignedInt u => u.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        var other => other.TypeName,
    };
}

#nullable disable
using System.Globalization;
using Hl7.Fhir.Model;
using MedCoord.Engine;
using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using Xunit;
using static System.FormattableString;
using static MedCoord.Fhir.Tests.BundleReading;
using static MedCoord.Fhir.Tests.EngineRecordsFixture;
using Address = MedCoord.Engine.Billing.Address;
using Claim = MedCoord.Engine.Billing.Claim;
using Coverage = MedCoord.Engine.Billing.Coverage;
using Duration = NodaTime.Duration;
using LocalDate = NodaTime.LocalDate;

namespace MedCoord.Fhir.Tests;

/// <summary>The claim export's rules one by one: statuses, dates, subscribers, providers, persons and remittances, each on a claim made for it.</summary>
public sealed class BillingMappingRulesTests
{
    private static readonly EngineRecords Base = EngineRecordsFixture.All();

    private static Claim First => Base.Claims[0];

    private static Bundle Export(params Claim[] claims) => EngineBundle.Export(new EngineRecords(T0, [], [], [], [], [], [], [], claims), []);

    [Theory]
    [InlineData(ClaimStatus.Draft, ClaimFrequency.Original, FinancialResourceStatusCodes.Draft)]
    [InlineData(ClaimStatus.Ready, ClaimFrequency.Original, FinancialResourceStatusCodes.Draft)]
    [InlineData(ClaimStatus.Submitted, ClaimFrequency.Original, FinancialResourceStatusCodes.Active)]
    [InlineData(ClaimStatus.Accepted, ClaimFrequency.Replacement, FinancialResourceStatusCodes.Active)]
    [InlineData(ClaimStatus.Draft, ClaimFrequency.Void, FinancialResourceStatusCodes.Cancelled)]
    [InlineData(ClaimStatus.Submitted, ClaimFrequency.Void, FinancialResourceStatusCodes.Cancelled)]
    public void ClaimStatus_IsCancelledForAVoid_DraftBeforeSubmission_ElseActive(ClaimStatus status, ClaimFrequency frequency, FinancialResourceStatusCodes expected) =>
        Assert.Equal(expected, All<Hl7.Fhir.Model.Claim>(Export(First with { Status = status, Frequency = frequency })).Single().Status);

    [Fact]
    public void ClaimCreated_IsItsCreationTime_ElseItsFirstChange_ElseItsFirstDateOfService_ElseTheExport()
    {
        var change = new StatusChange<ClaimStatus>(ClaimStatus.Draft, ClaimStatus.Ready, "billing-1", T0 - Duration.FromDays(2), "coded");
        string Created(Claim claim) => All<Hl7.Fhir.Model.Claim>(Export(claim)).Single().Created;

        Assert.Equal("2026-12-03T15:00:00Z", Created(First));
        Assert.Equal("2026-12-05T15:00:00Z", Created(First with { CreatedAt = null, History = [change, change with { At = T0 }] }));
        Assert.Equal("2026-12-07", Created(First with { CreatedAt = null, History = [] }));
        Assert.Equal("2026-12-07T15:00:00Z", Created(First with { CreatedAt = null, History = [], Lines = [] }));
        Assert.Null(All<Hl7.Fhir.Model.Claim>(Export(First with { Lines = [] })).Single().BillablePeriod);
        var period = All<Hl7.Fhir.Model.Claim>(Export(First)).Single().BillablePeriod;
        Assert.Equal(("2026-12-07", "2026-12-08"), (period.Start, period.End));
    }

    [Fact]
    public void ClaimFixedParts_AreAProfessionalClaimOfNormalPriority_WithTheRenderingProviderAsPrimary()
    {
        var claim = All<Hl7.Fhir.Model.Claim>(Export(First)).Single();

        Assert.Equal(
            ("http://terminology.hl7.org/CodeSystem/claim-type|professional", ClaimUseCode.Claim, "http://terminology.hl7.org/CodeSystem/processpriority|normal", "http://terminology.hl7.org/CodeSystem/claimcareteamrole|primary", 1),
            ($"{claim.Type.Coding[0].System}|{claim.Type.Coding[0].Code}", claim.Use!.Value, $"{claim.Priority.Coding[0].System}|{claim.Priority.Coding[0].Code}",
                $"{claim.CareTeam.Single().Role.Coding[0].System}|{claim.CareTeam.Single().Role.Coding[0].Code}", claim.CareTeam.Single().Sequence!.Value));
        Assert.Equal([[1], [1], [1]], claim.Item.Select(i => i.CareTeamSequence.Select(s => s!.Value).ToArray()));
        Assert.All(All<Hl7.Fhir.Model.Claim>(Export(First with { RenderingProvider = null })).Single().Item, i => Assert.Empty(i.CareTeamSequence));
        Assert.Equal(
            ["http://hl7.org/fhir/sid/icd-10-cm|E11.9", "http://hl7.org/fhir/sid/icd-10-cm|I10", "http://hl7.org/fhir/sid/icd-10-cm|Z79.4"],
            claim.Diagnosis.Select(d => $"{((CodeableConcept)d.Diagnosis).Coding[0].System}|{((CodeableConcept)d.Diagnosis).Coding[0].Code}"));
        Assert.Equal(
            ["1 urn:medcoord:code:service-category|office-visit 'office-visit' 2026-12-07 1 245.00 245.00 USD", "2 urn:medcoord:code:service-category|therapy 'therapy' 2026-12-07 2 60.00 120.00 USD",
                "3 urn:medcoord:code:service-category|wellness 'wellness' 2026-12-08 1 175.50 175.50 USD"],
            claim.Item.Select(i => Invariant($"{i.Sequence} {i.Category.Coding[0].System}|{i.Category.Coding[0].Code} '{i.Category.Text}' {((Date)i.Serviced).Value} {i.Quantity.Value} {i.UnitPrice?.Value} {i.Net.Value} {i.Net.Currency}")));
        Assert.Equal(
            ["http://www.ama-assn.org/go/cpt|GP", "http://www.ama-assn.org/go/cpt|59"],
            claim.Item[1].Modifier.Select(m => $"{m.Coding[0].System}|{m.Coding[0].Code}"));
        Assert.Equal(
            "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set|22",
            $"{((CodeableConcept)claim.Item[2].Location).Coding[0].System}|{((CodeableConcept)claim.Item[2].Location).Coding[0].Code}");
        Assert.Equal((540.50m, Money.Currencies.USD), (claim.Total.Value, claim.Total.Currency));
    }

    [Fact]
    public void ClaimItems_NameTheirProcedureInItsCodeSystem_CptOrHcpcs()
    {
        var claim = All<Hl7.Fhir.Model.Claim>(Export(First)).Single();

        Assert.Equal(
            ["http://www.ama-assn.org/go/cpt|99204", "http://www.ama-assn.org/go/cpt|97110", "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets|G0439"],
            claim.Item.Select(i => $"{i.ProductOrService.Coding.Single().System}|{i.ProductOrService.Coding.Single().Code}"));
    }

    [Fact]
    public void ClaimAuthorizations_AreThoseOfALinesProcedure_WhoseDatesHoldItsDateOfService_EachOnce()
    {
        var monday = First.Lines[0].DateOfService;
        var coverage = First.Coverage with
        {
            Authorizations =
            [
                new Authorization("OTHER-CODE", "99213", monday, monday),
                new Authorization("ENDS-BEFORE", "99204", monday.PlusDays(-9), monday.PlusDays(-1)),
                new Authorization("STARTS-AFTER", "99204", monday.PlusDays(1), monday.PlusDays(9)),
                new Authorization("THAT-DAY", "99204", monday, monday),
                new Authorization("LATER-FOR-THE-SAME", "99204", monday, monday),
                new Authorization("ENDS-THAT-DAY", "97110", monday.PlusDays(-5), monday),
                new Authorization("ENDS-THAT-DAY", "G0439", monday, monday.PlusDays(1)),
            ],
        };

        string[] PreAuth(Coverage c) => [.. All<Hl7.Fhir.Model.Claim>(Export(First with { Coverage = c })).Single().Insurance.Single().PreAuthRef];

        Assert.Equal(["THAT-DAY", "ENDS-THAT-DAY"], PreAuth(coverage));
        Assert.Empty(PreAuth(coverage with { Authorizations = null }));
        Assert.Empty(PreAuth(coverage with { Authorizations = [.. coverage.Authorizations!.Where(a => a.Number is "OTHER-CODE" or "ENDS-BEFORE" or "STARTS-AFTER")] }));
    }

    [Fact]
    public void ClaimItem_WithoutUnits_HasNoUnitPrice_AndAVisitNotExported_IsNoEncounter()
    {
        var claim = All<Hl7.Fhir.Model.Claim>(Export(First with { Lines = [First.Lines[0] with { Units = 0 }] })).Single();

        Assert.Null(claim.Item.Single().UnitPrice);
        Assert.Empty(claim.Item.Single().Encounter);
    }

    [Fact]
    public void PayerClaimNumber_IsAnIdentifier_AndAPriorClaimOnlyForAReplacementOrVoid()
    {
        var original = All<Hl7.Fhir.Model.Claim>(Export(First with { PayerClaimNumber = "PCN-1" })).Single();
        var voided = All<Hl7.Fhir.Model.Claim>(Export(First with { PayerClaimNumber = "PCN-1", Frequency = ClaimFrequency.Void })).Single();

        Assert.Equal(["urn:medcoord:claim=CLM-1", "urn:medcoord:payer-claim-number=PCN-1"], original.Identifier.Select(i => $"{i.System}={i.Value}"));
        Assert.Empty(original.Related);
        Assert.Equal(
            ("http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship|prior", "urn:medcoord:payer-claim-number=PCN-1"),
            ($"{voided.Related.Single().Relationship.Coding[0].System}|{voided.Related.Single().Relationship.Coding[0].Code}", $"{voided.Related.Single().Reference.System}={voided.Related.Single().Reference.Value}"));
        Assert.Equal(["urn:medcoord:claim=CLM-1"], All<Hl7.Fhir.Model.Claim>(Export(First)).Single().Identifier.Select(i => $"{i.System}={i.Value}"));
    }

    [Theory]
    [InlineData(SubscriberRelationship.Spouse, "SPS", "spouse")]
    [InlineData(SubscriberRelationship.Child, "CHILD", "child")]
    [InlineData(SubscriberRelationship.Other, "FAMMEMB", "other")]
    [InlineData(SubscriberRelationship.Self, "ONESELF", "self")]
    public void Subscriber_AnotherPersonThanThePatient_IsARelatedPersonWithTheRelationship(SubscriberRelationship relationship, string role, string code)
    {
        var claim = First with { Coverage = CoverageOf(Luis, relationship) };
        var bundle = Export(claim);

        var coverage = All<Hl7.Fhir.Model.Coverage>(bundle).Single();
        var subscriber = Resolve<RelatedPerson>(bundle, coverage.Subscriber);

        Assert.Equal(("http://terminology.hl7.org/CodeSystem/subscriber-relationship", code), (coverage.Relationship.Coding[0].System, coverage.Relationship.Coding[0].Code));
        Assert.Equal(("http://terminology.hl7.org/CodeSystem/v3-RoleCode", role), (subscriber.Relationship.Single().Coding[0].System, subscriber.Relationship.Single().Coding[0].Code));
        Assert.Equal(
            ("urn:medcoord:patient=sub-1", "Rivera", "Luis", AdministrativeGender.Male, "1966-01-02", "120 Elm St|Denver|CO|80202"),
            ($"{subscriber.Identifier.Single().System}={subscriber.Identifier.Single().Value}", subscriber.Name.Single().Family, subscriber.Name.Single().Given.Single(), subscriber.Gender!.Value,
                subscriber.BirthDate, $"{string.Join(",", subscriber.Address.Single().Line)}|{subscriber.Address.Single().City}|{subscriber.Address.Single().State}|{subscriber.Address.Single().PostalCode}"));
        Assert.Equal(coverage.Beneficiary.Reference, subscriber.Patient.Reference);
        Assert.Same(coverage, Resolve<Hl7.Fhir.Model.Coverage>(bundle, All<Hl7.Fhir.Model.Claim>(bundle).Single().Insurance.Single().Coverage));
    }

    [Fact]
    public void Subscriber_ThePatientThemself_IsThePatient_AndOneSubscriberOfTwoCoveragesIsOneRelatedPerson()
    {
        var self = All<Hl7.Fhir.Model.Coverage>(Export(First)).Single();
        Assert.Equal(self.Beneficiary.Reference, self.Subscriber.Reference);

        var prior = new PriorPayer("OTHER", "Other Plan", "M-2", null, Luis, SubscriberRelationship.Spouse, "CI", Monday, 10m, [], []);
        var bundle = Export(First with { Coverage = CoverageOf(Luis, SubscriberRelationship.Spouse), PriorPayers = [prior] });

        Assert.Single(All<RelatedPerson>(bundle));
        var coverages = All<Hl7.Fhir.Model.Coverage>(bundle).ToList();
        Assert.Equal(coverages[0].Subscriber.Reference, coverages[1].Subscriber.Reference);
        Assert.Equal(
            ["urn:medcoord:coverage=CLM-1/prior/1 CI - - Other Plan", "urn:medcoord:coverage=cov-a CI 2026-01-01..2026-12-31 GRP-5501 Acme Health Plan"],
            coverages.Select(c => $"{c.Identifier.Single().System}={c.Identifier.Single().Value} {c.Type.Coding[0].Code} {(c.Period is { } p ? $"{p.Start}..{p.End}" : "-")}"
                + $" {(c.Class.Count == 0 ? "-" : c.Class.Single().Value)} {Resolve<Organization>(bundle, c.Payor.Single()).Name}"));
    }

    [Fact]
    public void Coverage_Benefits_AreCostsToTheBeneficiary_AnEarlierPayersCoverageHasNone()
    {
        var coverage = All<Hl7.Fhir.Model.Coverage>(Export(First)).Single();
        var prior = new PriorPayer("OTHER", "Other Plan", "M-2", "G-2", Ana, SubscriberRelationship.Self, "MB", Monday, 10m, [], []);
        var none = All<Hl7.Fhir.Model.Coverage>(Export(First with { PriorPayers = [prior] })).First();
        var open = All<Hl7.Fhir.Model.Coverage>(Export(First with { Coverage = First.Coverage with { EffectiveTo = null } })).Single();

        Assert.Equal(
            [
                "copay 'office-visit' 30.00 USD", "copay 'specialist' 50 USD", "deductible '' 1000.00 USD", "maxoutofpocket '' 4000.00 USD", "copaypct 'coinsurance' 20 % http://unitsofmeasure.org %",
            ],
            coverage.CostToBeneficiary.Select(c => $"{c.Type.Coding[0].Code} '{c.Type.Text}' " + (c.Value is Money m ? Invariant($"{m.Value} {m.Currency}") : Invariant($"{((Quantity)c.Value).Value} {((Quantity)c.Value).Unit} {((Quantity)c.Value).System} {((Quantity)c.Value).Code}"))));
        Assert.All(coverage.CostToBeneficiary, c => Assert.Equal("http://terminology.hl7.org/CodeSystem/coverage-copay-type", c.Type.Coding[0].System));
        Assert.Empty(none.CostToBeneficiary);
        Assert.Null(none.Period);
        Assert.Equal(("MB", "G-2", "M-2", "self"), (none.Type.Coding[0].Code, none.Class.Single().Value, none.SubscriberId, none.Relationship.Coding[0].Code));
        Assert.Equal(("2026-01-01", null), (open.Period.Start, open.Period.End));
        Assert.Equal(FinancialResourceStatusCodes.Active, coverage.Status);
        Assert.Equal("http://terminology.hl7.org/CodeSystem/coverage-class|group", $"{coverage.Class.Single().Type.Coding[0].System}|{coverage.Class.Single().Type.Coding[0].Code}");
    }

    [Fact]
    public void Providers_AnOrganizationOrAPerson_WithTheirNpiTaxIdNameAndAddress_OncePerNpi()
    {
        var person = new ClaimProvider("1245319599", "Lopez, Maria", IsOrganization: false, "123456789", new Address("1 Main St", "Denver", "CO", "80202", "Suite 4"));
        var bundle = Export(First with { RenderingProvider = person }, Base.Claims[1] with { BillingProvider = First.BillingProvider with { TaxId = null, Address = null } });

        var organization = All<Organization>(bundle).Single(o => o.Identifier[0].System == "http://hl7.org/fhir/sid/us-npi");
        var practitioner = All<Practitioner>(bundle).Single();

        Assert.Equal(
            ("http://hl7.org/fhir/sid/us-npi=1234567893,urn:oid:2.16.840.1.113883.4.4=841234567", "Riverside Family Clinic", "http://terminology.hl7.org/CodeSystem/organization-type|prov", "400 River Rd|Denver|CO|802021234"),
            (string.Join(",", organization.Identifier.Select(i => $"{i.System}={i.Value}")), organization.Name, $"{organization.Type.Single().Coding[0].System}|{organization.Type.Single().Coding[0].Code}",
                $"{string.Join(",", organization.Address.Single().Line)}|{organization.Address.Single().City}|{organization.Address.Single().State}|{organization.Address.Single().PostalCode}"));
        Assert.Equal(
            ("http://hl7.org/fhir/sid/us-npi=1245319599,urn:oid:2.16.840.1.113883.4.4=123456789", "Lopez", "Maria", "Lopez, Maria", "1 Main St,Suite 4"),
            (string.Join(",", practitioner.Identifier.Select(i => $"{i.System}={i.Value}")), practitioner.Name.Single().Family, practitioner.Name.Single().Given.Single(), practitioner.Name.Single().Text,
                string.Join(",", practitioner.Address.Single().Line)));
    }

    [Fact]
    public void Providers_AnOrganizationAndAPersonOfTheSameNpi_AreTwoResources()
    {
        var person = new ClaimProvider(First.BillingProvider.Npi, "Lopez, Maria", IsOrganization: false);
        var bundle = Export(First with { RenderingProvider = person });

        Assert.Equal(First.BillingProvider.Npi, All<Practitioner>(bundle).Single().Identifier.Single().Value);
        Assert.Equal(First.BillingProvider.Npi, All<Organization>(bundle).Single(o => o.Identifier[0].System == "http://hl7.org/fhir/sid/us-npi").Identifier[0].Value);
    }

    [Fact]
    public void Payer_FirstMetPayingAnotherClaim_TakesItsNameFromACoverageMetLater_AndKeepsANameItHas()
    {
        var payment = First.Payments[0] with { PayerId = "OTHER" };
        var second = Base.Claims[1] with { Coverage = Base.Claims[1].Coverage with { PayerId = "OTHER", PayerName = "Other Health" } };
        string NameOf(Bundle bundle, string id) => All<Organization>(bundle).Single(o => o.Identifier[0].Value == id).Name;

        Assert.Equal("Other Health", NameOf(Export(First with { Payments = [payment] }, second), "OTHER"));
        Assert.Equal("Acme Health Plan", NameOf(Export(First, second with { Coverage = second.Coverage with { PayerId = "ACMEHLTH", PayerName = "Renamed" } }), "ACMEHLTH"));
    }

    [Theory]
    [InlineData("Lopez, Maria", "Lopez", "Maria")]
    [InlineData("Lopez,Maria", "Lopez", "Maria")]
    [InlineData("Dr Who", null, null)]
    [InlineData(", Maria", null, null)]
    [InlineData("Lopez, ", null, null)]
    [InlineData("Lopez, Maria, Jr", "Lopez", "Maria, Jr")]
    public void ProviderName_IsFamilyAndGivenWhenWrittenLastCommaFirst_ElseText(string name, string family, string given)
    {
        var provider = new ClaimProvider("1245319599", name, IsOrganization: false);
        var practitioner = All<Practitioner>(Export(First with { RenderingProvider = provider })).Single();

        Assert.Equal((family, given, name), (practitioner.Name.Single().Family, practitioner.Name.Single().Given.SingleOrDefault(), practitioner.Name.Single().Text));
        Assert.Empty(practitioner.Address);
        Assert.Single(practitioner.Identifier);
    }

    [Theory]
    [InlineData("F", AdministrativeGender.Female)]
    [InlineData("M", AdministrativeGender.Male)]
    [InlineData("U", AdministrativeGender.Unknown)]
    public void PatientSex_IsTheirGender(string sex, AdministrativeGender gender) =>
        Assert.Equal(gender, All<Patient>(Export(First with { Patient = Ana with { Sex = sex } })).Single().Gender);

    [Fact]
    public void Payment_IsAnExplanationOfBenefit_DatedByThePaymentElseTheExport_NamingTheCurrentPayerOnly()
    {
        var payment = First.Payments[0];
        var bundle = Export(First with { Payments = [payment, payment with { Trace = "TRN-2", PayerId = "OTHER", PaymentDate = null }] });
        var eobs = All<ExplanationOfBenefit>(bundle).ToList();

        Assert.Equal(
            [
                "urn:medcoord:remittance-trace=TRN-1,urn:medcoord:payer-claim-number=PCN-9 Active Complete 'claim status code 1' 2026-12-20 pay 2026-12-20 300 urn:medcoord:remittance-trace=TRN-1 insurer ACMEHLTH 'Acme Health Plan'",
                "urn:medcoord:remittance-trace=TRN-2,urn:medcoord:payer-claim-number=PCN-9 Active Complete 'claim status code 1' 2026-12-07T15:00:00Z pay - 300 urn:medcoord:remittance-trace=TRN-2 insurer OTHER ''",
            ],
            eobs.Select(e => $"{string.Join(",", e.Identifier.Select(i => $"{i.System}={i.Value}"))} {e.Status} {e.Outcome} '{e.Disposition}' {e.Created} pay {e.Payment.Date ?? "-"} {e.Payment.Amount.Value!.Value.ToString(CultureInfo.InvariantCulture)}"
                + $" {e.Payment.Identifier.System}={e.Payment.Identifier.Value} insurer {Resolve<Organization>(bundle, e.Insurer).Identifier[0].Value} '{Resolve<Organization>(bundle, e.Insurer).Name}'"));
        Assert.All(eobs, e => Assert.Equal(("CLM-1", "1234567893", "cov-a", true, "Patient"), (Resolve<Hl7.Fhir.Model.Claim>(bundle, e.Claim).Identifier[0].Value,
            Resolve<Organization>(bundle, e.Provider).Identifier[0].Value, Resolve<Hl7.Fhir.Model.Coverage>(bundle, e.Insurance.Single().Coverage).Identifier[0].Value, e.Insurance.Single().Focal!.Value,
            Resolve<Patient>(bundle, e.Patient).TypeName)));
        Assert.Equal(
            ["http://terminology.hl7.org/CodeSystem/adjudication|submitted", "http://terminology.hl7.org/CodeSystem/adjudication|eligible", "http://terminology.hl7.org/CodeSystem/adjudication|benefit", "urn:medcoord:code:adjudication-amount|patient-responsibility"],
            eobs[0].Total.Select(t => $"{t.Category.Coding[0].System}|{t.Category.Coding[0].Code}"));
        Assert.Equal(
            ["urn:medcoord:code:claim-adjustment-group|CO https://x12.org/codes/claim-adjustment-reason-codes|45 120.50", "urn:medcoord:code:adjudication-amount|remark https://x12.org/codes/remittance-advice-remark-codes|MA01 -"],
            eobs[0].Adjudication.Select(a => $"{a.Category.Coding[0].System}|{a.Category.Coding[0].Code} {a.Reason.Coding[0].System}|{a.Reason.Coding[0].Code} {a.Amount?.Value?.ToString(CultureInfo.InvariantCulture) ?? "-"}"));
        Assert.Equal(
            ["1 http://www.ama-assn.org/go/cpt|99204 6", "2 http://www.ama-assn.org/go/cpt|97110 6"],
            eobs[0].Item.Select(i => $"{i.Sequence} {i.ProductOrService.Coding[0].System}|{i.ProductOrService.Coding[0].Code} {i.Adjudication.Count}"));
    }
}

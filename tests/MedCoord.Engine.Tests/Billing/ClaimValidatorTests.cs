using MedCoord.Engine.Billing;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Testing;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>The claim validator and the submission rules rule by rule, each problem compared whole with its path; and the claim worklist's limits.</summary>
public sealed class ClaimValidatorTests
{
    private static readonly LocalDate Served = new(2026, 11, 16);
    private static readonly Person Jo = new("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 2), "F", new Address("1 Main St", "Denver", "CO", "80202"));

    private static Claim Valid() => new(
        "CLM-1",
        "visit-1",
        Jo,
        new Coverage("cov-1", "ACMEHLTH", "Acme Health Plan", "GRP-1", "M123456", Jo, SubscriberRelationship.Self, new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31),
            new Benefits(new Dictionary<string, decimal> { ["office-visit"] = 25m }, new Accumulator(500, 0), 20, new Accumulator(1000, 0), ["93306"]), [], "CI"),
        new ClaimProvider("1234567893", "Riverside Family Clinic", true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234")),
        null,
        ["I10"],
        [new ServiceLine("99213", [], 1, 120m, [1], "11", Served, "office-visit")],
        ClaimStatus.Draft,
        []);

    private static PriorPayer Prior() => new("PRIME01", "Prime Health", "PH-778", "PG-9", Jo, SubscriberRelationship.Self, "CI", new LocalDate(2026, 11, 27), 100m,
        [new PayerAdjustment("PR", "2", 20m)], []);

    private static IReadOnlyList<string> Problems(Claim claim) => ClaimValidator.Validate(claim).Texts();

    /// <summary>The valid claim for another patient who is still the subscriber.</summary>
    private static Claim ForSubscriber(Person patient) => Valid() with { Patient = patient, Coverage = Valid().Coverage with { Subscriber = patient } };

    [Fact]
    public void Validate_PatientWhoIsTheSubscriberButDiffers_IsRefusedWithoutTheirData()
    {
        var moved = Jo with { Address = Jo.Address with { Line1 = "9 Oak Ave", Line2 = "Apt 2" } };

        Assert.Equal(["patient: the patient is the subscriber (relationship Self), so the X12 file sends the subscriber's name, birth date, sex and address; the patient's must be the same as coverage.subscriber's"],
            Problems(Valid() with { Patient = moved }));
        Assert.Contains("patient: the patient is the subscriber", Problems(Valid() with { Patient = Jo with { FirstName = "Joe" } })[0], StringComparison.Ordinal);
        Assert.Empty(Problems(ForSubscriber(moved)));

        // As the X12 file writes them: letters in either case and spaces at either end are the same.
        Assert.Empty(Problems(Valid() with { Patient = Jo with { LastName = "DOE ", Address = Jo.Address with { Line1 = "1 MAIN ST" } } }));
        Assert.NotEmpty(Problems(Valid() with { Patient = Jo with { BirthDate = Jo.BirthDate.PlusDays(1) } }));
        Assert.NotEmpty(Problems(Valid() with { Patient = Jo with { Sex = "M" } }));
        Assert.NotEmpty(Problems(Valid() with { Patient = Jo with { Address = Jo.Address with { PostalCode = "80203" } } }));
        Assert.NotEmpty(Problems(Valid() with { Patient = Jo with { Address = Jo.Address with { City = "Boulder" } } }));
        Assert.NotEmpty(Problems(Valid() with { Patient = Jo with { Address = Jo.Address with { State = "WY" } } }));
        Assert.NotEmpty(Problems(Valid() with { Patient = Jo with { LastName = "Roe" } }));
    }

    [Fact]
    public void Validate_ValidClaim_HasNoProblem() => Assert.Empty(Problems(Valid()));

    [Theory]
    [InlineData("", "id: required")]
    [InlineData("   ", "id: required")]
    [InlineData("123456789012345678901234567890123456789", "id: at most 38 characters, found 39")]
    [InlineData("12345678901234567890123456789012345678", null)]
    public void Validate_ClaimId_UpTo38Characters(string id, string? expected) =>
        Assert.Equal(expected is null ? [] : [expected], Problems(Valid() with { Id = id }));

    [Fact]
    public void Validate_PersonFields_EachNamedByPath()
    {
        var person = new Person(new string('p', 81), new string('D', 61), new string('J', 36), Jo.BirthDate, "X", new Address("", "D", "co", "8020"));

        Assert.Equal(
        [
            "patient.id: at most 80 characters, found 81",
            "patient.lastName: at most 60 characters, found 61",
            "patient.firstName: at most 35 characters, found 36",
            "patient.sex: must be F, M or U",
            "patient.address.line1: required",
            "patient.address.city: 2 to 30 characters, found 1",
            "patient.address.state: must be a two-letter upper-case code",
            "patient.address.postalCode: must be 5 or 9 digits",
        ], Problems(Valid() with { Patient = person }).Where(p => p.StartsWith("patient.", StringComparison.Ordinal)));
        Assert.Equal(["patient.id: required"], Problems(Valid() with { Patient = Jo with { Id = " " } }).Where(p => p.StartsWith("patient.", StringComparison.Ordinal)));
        Assert.Equal(["patient.address: required"], Problems(Valid() with { Patient = Jo with { Address = null! } }).Where(p => p.StartsWith("patient.", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("M", true)]
    [InlineData("U", true)]
    [InlineData("f", false)]
    public void Validate_Sex_IsFMOrU(string sex, bool valid) =>
        Assert.Equal(valid ? [] : ["patient.sex: must be F, M or U"], Problems(Valid() with { Patient = Jo with { Sex = sex } }).Where(p => p.StartsWith("patient.", StringComparison.Ordinal)));

    [Theory]
    [InlineData("CO", "80202", "")]
    [InlineData("C0", "80202", "patient.address.state: must be a two-letter upper-case code")]
    [InlineData("COL", "80202", "patient.address.state: must be a two-letter upper-case code")]
    [InlineData("[O", "80202", "patient.address.state: must be a two-letter upper-case code")]
    [InlineData("CO", "802021234", "")]
    [InlineData("CO", "8020212345", "patient.address.postalCode: must be 5 or 9 digits")]
    [InlineData("CO", "8020A", "patient.address.postalCode: must be 5 or 9 digits")]
    [InlineData("CO", "802021", "patient.address.postalCode: must be 5 or 9 digits")]
    public void Validate_StateAndZip_OfAPatient(string state, string zip, string expected) =>
        Assert.Equal(expected.Length == 0 ? [] : [expected],
            Problems(Valid() with { Patient = Jo with { Address = Jo.Address with { State = state, PostalCode = zip } } }).Where(p => p.StartsWith("patient.", StringComparison.Ordinal)));

    [Fact]
    public void Validate_Coverage_EachFieldNamedByPath()
    {
        var valid = Valid();
        var coverage = valid.Coverage with
        {
            PayerId = "A",
            PayerName = new string('A', 61),
            MemberId = new string('M', 81),
            PlanId = new string('G', 51),
            Subscriber = Jo with { Id = "sub-9" },
        };

        Assert.Equal(
        [
            "coverage.payerId: 2 to 80 characters, found 1",
            "coverage.payerName: at most 60 characters, found 61",
            "coverage.memberId: 2 to 80 characters, found 81",
            "coverage.planId: at most 50 characters, found 51",
            "coverage.relationship: Self, but the subscriber 'sub-9' is not the patient 'pat-1'",
        ], Problems(valid with { Coverage = coverage }));
        Assert.Empty(Problems(valid with { Coverage = valid.Coverage with { Subscriber = Jo with { Id = "sub-9" }, Relationship = SubscriberRelationship.Spouse } }));
        Assert.Equal(["coverage: required"], Problems(valid with { Coverage = null! }));
        Assert.Equal(["coverage.subscriber: required"], Problems(valid with { Coverage = valid.Coverage with { Subscriber = null! } }));
        Assert.Empty(Problems(valid with { Coverage = valid.Coverage with { PlanId = "  " } }));
    }

    [Fact]
    public void Validate_Benefits_RangesAndRequiredParts()
    {
        var valid = Valid();
        Claim With(Benefits benefits) => valid with { Coverage = valid.Coverage with { Benefits = benefits } };
        var benefits = valid.Coverage.Benefits;

        Assert.Equal(["coverage.benefits: required"], Problems(With(null!)));
        Assert.Equal(["coverage.benefits.coinsurancePercent: must be from 0 to 100, found -0.5"], Problems(With(benefits with { CoinsurancePercent = -0.5m })));
        Assert.Equal(["coverage.benefits.coinsurancePercent: must be from 0 to 100, found 100.1"], Problems(With(benefits with { CoinsurancePercent = 100.1m })));
        Assert.Empty(Problems(With(benefits with { CoinsurancePercent = 100 })));
        Assert.Empty(Problems(With(benefits with { CoinsurancePercent = 0, Deductible = new Accumulator(0, 0), OutOfPocketMaximum = new Accumulator(10, 10) })));
        Assert.Equal(["coverage.benefits.deductible: required", "coverage.benefits.outOfPocketMaximum: required"], Problems(With(benefits with { Deductible = null!, OutOfPocketMaximum = null! })));
        Assert.Equal(["coverage.benefits.outOfPocketMaximum.amount: must not be negative", "coverage.benefits.outOfPocketMaximum.met: must not be negative"],
            Problems(With(benefits with { OutOfPocketMaximum = new Accumulator(-1, -1) })));
        Assert.Equal(["coverage.benefits.copays.lab: must not be negative"], Problems(With(benefits with { Copays = new Dictionary<string, decimal> { ["office-visit"] = 0m, ["lab"] = -1m } })));
        Assert.Empty(Problems(With(benefits with { Copays = null! })));
    }

    [Fact]
    public void Validate_Providers_EachFieldNamedByPath()
    {
        var valid = Valid();

        Assert.Equal(["billingProvider: required"], Problems(valid with { BillingProvider = null! }));
        Assert.Equal(
        [
            "billingProvider.npi: '123456789A' is not a valid NPI (ten digits with a Luhn check digit)",
            "billingProvider.name: required",
            "billingProvider.taxId: the billing provider needs a 9-digit employer identification number",
            "billingProvider.address: required",
        ], Problems(valid with { BillingProvider = new ClaimProvider("123456789A", "", true, "84123456A") }));
        Assert.Equal(["billingProvider.taxId: the billing provider needs a 9-digit employer identification number"],
            Problems(valid with { BillingProvider = valid.BillingProvider with { TaxId = "8412345678" } }));
        Assert.Equal(["renderingProvider.npi: '1245319590' is not a valid NPI (ten digits with a Luhn check digit)", "renderingProvider.name: a person's last name (before the comma) is at most 60 characters, found 61"],
            Problems(valid with { RenderingProvider = new ClaimProvider("1245319590", new string('L', 61), false) }));
    }

    /// <summary>A person's "Last, First" goes to NM103 (60) and NM104 (35), so only each part is held to its length; an organisation's name is NM103 alone.</summary>
    [Fact]
    public void ProviderName_APersonsPartsAreEachHeldToTheirOwnLength()
    {
        var valid = Valid();
        var person = new ClaimProvider("1245319599", "Lopez, Maria", false);

        Assert.Empty(Problems(valid with { RenderingProvider = person with { Name = new string('L', 60) + ", " + new string('F', 35) } }));
        Assert.Empty(Problems(valid with { RenderingProvider = person with { Name = new string('L', 30) + ", " + new string('F', 29) } }));
        Assert.Equal(["renderingProvider.name: a person's last name (before the comma) is at most 60 characters, found 61"],
            Problems(valid with { RenderingProvider = person with { Name = new string('L', 61) + ", F" } }));
        Assert.Equal(["renderingProvider.name: a person's first name (after the comma) is at most 35 characters, found 36"],
            Problems(valid with { RenderingProvider = person with { Name = "L, " + new string('F', 36) } }));
        Assert.Equal(["renderingProvider.name: at most 97 characters, found 98"],
            Problems(valid with { RenderingProvider = person with { Name = new string('L', 60) + ",  " + new string('F', 35) } }));
        Assert.Equal(["renderingProvider.name: at most 60 characters, found 61"],
            Problems(valid with { RenderingProvider = person with { Name = new string('O', 30) + ", " + new string('O', 29), IsOrganization = true } }));
    }

    /// <summary>The billing provider's address is a street address: a box in either line is refused at that line.</summary>
    [Theory]
    [InlineData("line1", "P.O. Box 12")]
    [InlineData("line1", "po box 12")]
    [InlineData("line1", "Post Office Box 5")]
    [InlineData("line1", "Lockbox 9")]
    [InlineData("line2", "PO Box 12")]
    [InlineData("line2", "Lockbox 9")]
    public void Validate_BillingProviderAtAPostOfficeBox_IsRefused(string line, string street)
    {
        var address = Valid().BillingProvider.Address!;
        var boxed = line == "line1" ? address with { Line1 = street } : address with { Line2 = street };

        Assert.Equal([$"billingProvider.address.{line}: the billing provider's address must be a street address, not a post office box"],
            Problems(Valid() with { BillingProvider = Valid().BillingProvider with { Address = boxed } }));
    }

    [Fact]
    public void Validate_PostOfficeBoxOnAPatientsSecondLine_IsAccepted() =>
        Assert.Empty(Problems(ForSubscriber(Jo with { Address = Jo.Address with { Line2 = "PO Box 12" } })));

    /// <summary>The second address line: absent or 1 to 55 characters of the basic set; blank is refused, not dropped; the patient's text is never repeated.</summary>
    [Theory]
    [InlineData(null, null)]
    [InlineData("Apt 4", null)]
    [InlineData("Suite 200, Floor 3 (rear)", null)]
    [InlineData("1234567890123456789012345678901234567890123456789012345", null)]
    [InlineData("12345678901234567890123456789012345678901234567890123456", "patient.address.line2: at most 55 characters, found 56")]
    [InlineData("", "patient.address.line2: must not be empty or blank; leave line2 out when the address has no second line")]
    [InlineData("   ", "patient.address.line2: must not be empty or blank; leave line2 out when the address has no second line")]
    [InlineData("Apt #4", "patient.address.line2: character 5 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)")]
    [InlineData("Apt*4", "patient.address.line2: character 4 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)")]
    public void Validate_PatientsSecondAddressLine(string? second, string? expected) =>
        Assert.Equal(expected is null ? [] : [expected], Problems(ForSubscriber(Jo with { Address = Jo.Address with { Line2 = second } })).Where(p => p.StartsWith("patient", StringComparison.Ordinal)));

    [Fact]
    public void Validate_SecondAddressLines_AreCheckedForTheSubscriberAndTheBillingProviderToo() =>
        Assert.Equal(
        [
            "coverage.subscriber.address.line2: must not be empty or blank; leave line2 out when the address has no second line",
            "billingProvider.address.line2: at most 55 characters, found 56",
        ],
        Problems(Valid() with
        {
            Patient = Jo with { Id = "pat-2" },
            Coverage = Valid().Coverage with { Subscriber = Jo with { Address = Jo.Address with { Line2 = " " } }, Relationship = SubscriberRelationship.Child },
            BillingProvider = Valid().BillingProvider with { Address = Valid().BillingProvider.Address! with { Line2 = new string('S', 56) } },
        }));

    [Theory]
    [InlineData("12 Post Rd")]
    [InlineData("1 Box Elder St")]
    [InlineData("Pobl Ave 3")]
    public void Validate_BillingProviderStreetAddress_IsAccepted(string street)
    {
        Assert.Empty(Problems(Valid() with { BillingProvider = Valid().BillingProvider with { Address = Valid().BillingProvider.Address! with { Line1 = street } } }));
        Assert.Empty(Problems(Valid() with { BillingProvider = Valid().BillingProvider with { Address = Valid().BillingProvider.Address! with { Line2 = street } } }));
    }

    [Fact]
    public void Validate_DiagnosesAndLinesCounts()
    {
        var valid = Valid();
        string[] thirteen = ["A00", "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09", "B00", "B01", "B02"];

        Assert.Equal(["diagnoses: a claim has 1 to 12 diagnoses, found 13"], Problems(valid with { Diagnoses = thirteen }));
        Assert.Empty(Problems(valid with { Diagnoses = thirteen[..12] }));
        Assert.Equal(["diagnoses: a claim has 1 to 12 diagnoses, found 0", "lines[0].diagnosisPointers[0]: points to diagnosis 1; the claim has 0"], Problems(valid with { Diagnoses = null! }));
        Assert.Equal(["diagnoses[1]: the same code as diagnoses[0]"], Problems(valid with { Diagnoses = ["E11.9", "E119"] }));
        Assert.Equal(["diagnoses[1]: an ICD-10-CM code is required"], Problems(valid with { Diagnoses = ["I10", null!] }));
        Assert.Equal(["lines: a claim has 1 to 50 service lines, found 51"], Problems(valid with { Lines = [.. Enumerable.Repeat(valid.Lines[0], 51)] }));
        Assert.Empty(Problems(valid with { Lines = [.. Enumerable.Repeat(valid.Lines[0], 50)] }));
    }

    [Theory]
    [InlineData(0, 120, "lines[0].units: must be above 0 and at most 9999, with at most one decimal, found 0")]
    [InlineData(10000, 120, "lines[0].units: must be above 0 and at most 9999, with at most one decimal, found 10000")]
    [InlineData(1.25, 120, "lines[0].units: must be above 0 and at most 9999, with at most one decimal, found 1.25")]
    [InlineData(9999, 120, null)]
    [InlineData(0.1, 120, null)]
    [InlineData(1, -5, "lines[0].charge: must be a positive amount with at most two decimals, found -5")]
    [InlineData(1, 1.005, "lines[0].charge: must be a positive amount with at most two decimals, found 1.005")]
    [InlineData(1, 100000000, "lines[0].charge: must be a positive amount with at most two decimals, found 100000000")]
    [InlineData(1, 99999999, null)]
    [InlineData(1, 0.01, null)]
    public void Validate_UnitsAndCharge_Ranges(double units, double charge, string? expected) =>
        Assert.Equal(expected is null ? [] : [expected], Problems(Valid() with { Lines = [Valid().Lines[0] with { Units = (decimal)units, Charge = (decimal)charge }] }));

    [Fact]
    public void Validate_LineFields_EachNamedByPath()
    {
        var valid = Valid() with { Diagnoses = ["I10", "E11.9", "E78.5", "Z00.00", "J06.9"] };
        var line = valid.Lines[0];

        Assert.Equal(["lines[1]: must not be null"], Problems(valid with { Lines = [line, null!] }));
        Assert.Equal(["lines[0].diagnosisPointers: a line points to 1 to 4 diagnoses, found 5"], Problems(valid with { Lines = [line with { DiagnosisPointers = [1, 2, 3, 4, 5] }] }));
        Assert.Empty(Problems(valid with { Lines = [line with { DiagnosisPointers = [4, 3, 2, 1] }] }));
        Assert.Equal(["lines[0].diagnosisPointers: a line points to 1 to 4 diagnoses, found 0"], Problems(valid with { Lines = [line with { DiagnosisPointers = null! }] }));
        Assert.Equal(["lines[0].diagnosisPointers[0]: points to diagnosis 0; the claim has 5", "lines[0].diagnosisPointers[2]: diagnosis 2 is pointed to twice"],
            Problems(valid with { Lines = [line with { DiagnosisPointers = [0, 2, 2] }] }));
        Assert.Equal(["lines[0].diagnosisPointers[1]: points to diagnosis 6; the claim has 5"], Problems(valid with { Lines = [line with { DiagnosisPointers = [5, 6] }] }));
        Assert.Equal(["lines[0].placeOfService: must be a two-digit place-of-service code"], Problems(valid with { Lines = [line with { PlaceOfService = "1A" }] }));
        Assert.Equal(["lines[0].placeOfService: must be a two-digit place-of-service code"], Problems(valid with { Lines = [line with { PlaceOfService = "011" }] }));
        Assert.Equal(["lines[0].category: a benefit category is required"], Problems(valid with { Lines = [line with { Category = " " }] }));
        Assert.Equal(["lines[0].modifiers: modifier 1: must be two upper-case letters or digits"], Problems(valid with { Lines = [line with { Modifiers = ["x"] }] }));
        Assert.Equal(["lines[0].procedureCode: a procedure code is required"], Problems(valid with { Lines = [line with { ProcedureCode = string.Empty }] }));
    }

    [Theory]
    [InlineData(2025, 12, 31, false)]
    [InlineData(2026, 1, 1, true)]
    [InlineData(2026, 12, 31, true)]
    [InlineData(2027, 1, 1, false)]
    public void Validate_DateOfService_WithinTheCoveragesDates(int year, int month, int day, bool valid) =>
        Assert.Equal(valid ? [] : ["lines[0].dateOfService: outside the effective dates of coverage 'cov-1'"],
            Problems(Valid() with { Lines = [Valid().Lines[0] with { DateOfService = new LocalDate(year, month, day) }] }));

    [Fact]
    public void Validate_FrequencyAndPayersClaimNumber()
    {
        Assert.Equal(["frequency: must be original, replacement or void"], Problems(Valid() with { Frequency = (ClaimFrequency)3 }));
        Assert.Equal(["payerClaimNumber: at most 50 characters, found 51"], Problems(Valid() with { Frequency = ClaimFrequency.Replacement, PayerClaimNumber = new string('P', 51) }));
        Assert.Equal(["payerClaimNumber: a replacement or void needs the payer's claim number"], Problems(Valid() with { Frequency = ClaimFrequency.Replacement }));
        Assert.Empty(Problems(Valid() with { Frequency = ClaimFrequency.Void, PayerClaimNumber = "PCN-1" }));
    }

    [Fact]
    public void Validate_AuthorisationsOnFile_EachFieldNamedByPath()
    {
        var valid = Valid();
        var coverage = valid.Coverage with
        {
            Authorizations = [null!, new Authorization("", "9330", Served, Served.PlusDays(-1)), new Authorization("AUTH-3", "93306", Served, Served)],
        };

        Assert.Equal(
        [
            "coverage.authorizations[0]: must not be null",
            "coverage.authorizations[1].number: required",
            "coverage.authorizations[1].procedureCode: procedure code: must have 5 characters, found 4",
            "coverage.authorizations[1].to: before its from date",
        ], Problems(valid with { Coverage = coverage }));
        Assert.Empty(Problems(valid with { Coverage = valid.Coverage with { Authorizations = null! } }));
    }

    [Fact]
    public void Validate_ServiceNeedingAnAuthorisation_OnlyTheLinesThatNeedOne()
    {
        var valid = Valid();
        var echo = new ServiceLine("93306", [], 1, 410m, [1], "11", Served, "imaging");
        var auth = new Authorization("AUTH-1", "93306", Served, Served);

        Assert.Equal(["lines[1].procedureCode: 93306 needs a prior authorisation and none is on file"], Problems(valid with { Lines = [valid.Lines[0], echo] }));
        Assert.Equal(["lines[1].procedureCode: 93306 needs a prior authorisation; authorisation 'AUTH-1' does not cover the date of service (expired or not yet in force)"],
            Problems(valid with { Lines = [valid.Lines[0], echo with { DateOfService = Served.PlusDays(1) }], Coverage = valid.Coverage with { Authorizations = [auth] } }));
        Assert.Empty(Problems(valid with { Lines = [valid.Lines[0], echo], Coverage = valid.Coverage with { Authorizations = [auth with { Number = "AUTH-0", From = Served.PlusDays(1), To = Served.PlusDays(2) }, auth] } }));
        Assert.Equal(["lines[0].procedureCode: 93306 needs a prior authorisation and none is on file"],
            Problems(valid with { Lines = [echo], Coverage = valid.Coverage with { Authorizations = [new Authorization("AUTH-2", "99213", Served, Served)] } }));
        Assert.Empty(Problems(valid with { Lines = [echo], Coverage = valid.Coverage with { Benefits = valid.Coverage.Benefits with { PriorAuthorization = null! } } }));
    }

    [Fact]
    public void Validate_EarlierPayer_EachFieldNamedByPath()
    {
        var valid = Valid();
        var prior = Prior() with
        {
            PayerId = "P",
            PayerName = "",
            MemberId = new string('M', 81),
            PlanId = new string('G', 51),
            PayerClaimNumber = new string('C', 51),
            ClaimFilingIndicator = "XX",
            Relationship = (SubscriberRelationship)9,
            Paid = -1m,
            Adjustments = [new PayerAdjustment("PR", "2", 121m)],
        };

        Assert.Equal(
        [
            "priorPayers[0].payerId: 2 to 80 characters, found 1",
            "priorPayers[0].payerName: required",
            "priorPayers[0].memberId: 2 to 80 characters, found 81",
            "priorPayers[0].planId: at most 50 characters, found 51",
            "priorPayers[0].payerClaimNumber: at most 50 characters, found 51",
            "priorPayers[0].claimFilingIndicator: must be one of 11, 12, 13, 14, 15, 16, 17, AM, BL, CH, CI, DS, FI, HM, LM, MA, MB, MC, OF, TV, VA, WC, ZZ",
            "priorPayers[0].relationship: must be self, spouse, child or other",
            "priorPayers[0].paid: must be a non-negative amount with at most two decimals, found -1",
        ], Problems(valid with { PriorPayers = [prior] }));
        Assert.Equal(["priorPayers[0].relationship: Self, but the subscriber 'sub-9' is not the patient 'pat-1'"], Problems(valid with { PriorPayers = [Prior() with { Subscriber = Jo with { Id = "sub-9" } }] }));
        Assert.Empty(Problems(valid with { PriorPayers = [Prior() with { Subscriber = Jo with { Id = "sub-9" }, Relationship = SubscriberRelationship.Other, PlanId = null }] }));
        Assert.Equal(["priorPayers[0].subscriber: required"], Problems(valid with { PriorPayers = [Prior() with { Subscriber = null!, Relationship = SubscriberRelationship.Child }] }));
        Assert.Equal(["priorPayers[0].paid: must be a non-negative amount with at most two decimals, found 100.001", "priorPayers[0]: paid 100.001 and all adjustments 20 do not add up to the claim's charge 120"],
            Problems(valid with { PriorPayers = [Prior() with { Paid = 100.001m }] }));
    }

    [Fact]
    public void Validate_EarlierPayers_CountOrderAndDates()
    {
        var valid = Valid();

        Assert.Equal(["priorPayers: at most 2 earlier payers, found 3", "priorPayers[1].payerId: the same payer as an earlier entry", "priorPayers[2].payerId: the same payer as an earlier entry"],
            Problems(valid with { PriorPayers = [Prior(), Prior(), Prior()] }));
        Assert.Empty(Problems(valid with { PriorPayers = [Prior(), Prior() with { PayerId = "SECOND01" }] }));
        Assert.Equal(["priorPayers[0]: must not be null"], Problems(valid with { PriorPayers = [null!, Prior()] }));
        Assert.Equal(["priorPayers[0].adjudicatedOn: before a date of service on the claim"], Problems(valid with { PriorPayers = [Prior() with { AdjudicatedOn = Served.PlusDays(-1) }] }));
        Assert.Empty(Problems(valid with { PriorPayers = [Prior() with { AdjudicatedOn = Served }] }));
    }

    [Fact]
    public void Validate_EarlierPayersAdjustments_EachNamedByPath()
    {
        var valid = Valid();
        PriorPayer With(params PayerAdjustment[] adjustments) => Prior() with { Paid = 120m - adjustments.Where(a => a is not null).Sum(a => a.Amount), Adjustments = adjustments };

        Assert.Equal(["priorPayers[0].adjustments[0]: must not be null"], Problems(valid with { PriorPayers = [With([null!])] }));
        Assert.Empty(Problems(valid with { PriorPayers = [With(new PayerAdjustment("CR", "ABCDE", 10m), new PayerAdjustment("OA", "23", -5m), new PayerAdjustment("PI", "Z9", 1m))] }));
        Assert.Equal(
        [
            "priorPayers[0].adjustments[0].group: must be CO, CR, OA, PI or PR",
            "priorPayers[0].adjustments[0].reason: must be a claim adjustment reason code: 1 to 5 upper-case letters or digits",
            "priorPayers[0].adjustments[0].amount: must be an amount with at most two decimals, found 1.001",
            "priorPayers[0].adjustments[1].reason: must be a claim adjustment reason code: 1 to 5 upper-case letters or digits",
            "priorPayers[0].adjustments[2].reason: must be a claim adjustment reason code: 1 to 5 upper-case letters or digits",
            "priorPayers[0].adjustments[3].reason: must be a claim adjustment reason code: 1 to 5 upper-case letters or digits",
            "priorPayers[0].adjustments[4].amount: must be an amount with at most two decimals, found 100000000",
            "priorPayers[0].adjustments[5].amount: must be an amount with at most two decimals, found -100000000",
        ], Problems(valid with
        {
            PriorPayers =
            [
                Prior() with
                {
                    Adjustments =
                    [
                        new PayerAdjustment("co", "ab", 1.001m), new PayerAdjustment("CO", "", 1m), new PayerAdjustment("CO", "123456", 1m), new PayerAdjustment("CO", "4[", 1m),
                        new PayerAdjustment("PR", "1", 100_000_000m), new PayerAdjustment("PR", "2", -100_000_000m),
                    ],
                },
            ],
        }).Where(p => p.StartsWith("priorPayers[0].adjustments", StringComparison.Ordinal)));
        Assert.Equal(["priorPayers[0].adjustments: at most 6 adjustments per group"], Problems(valid with { PriorPayers = [With([.. Enumerable.Range(1, 7).Select(i => new PayerAdjustment("CO", $"{i}", 1m))])] }));
        Assert.Empty(Problems(valid with { PriorPayers = [With([.. Enumerable.Range(1, 6).Select(i => new PayerAdjustment("CO", $"{i}", 1m)), new PayerAdjustment("PR", "1", 1m)])] }));
    }

    [Fact]
    public void Validate_EarlierPayersLineDecisions_EachNamedByPath()
    {
        var valid = Valid() with { Lines = [Valid().Lines[0], Valid().Lines[0] with { ProcedureCode = "81002", Charge = 30m, Category = "lab" }] };
        PriorPayer With(params PriorLineAdjudication[] lines) => Prior() with { Paid = lines.Where(l => l is not null).Sum(l => l.Paid), Adjustments = [], Lines = lines };

        Assert.Empty(Problems(valid with { PriorPayers = [With(new PriorLineAdjudication(1, 100m, [new PayerAdjustment("PR", "2", 20m)]), new PriorLineAdjudication(2, 30m, []))] }));
        Assert.Equal(["priorPayers[0].lines[1]: must not be null", "priorPayers[0]: paid 100 and all adjustments 20 do not add up to the claim's charge 150"],
            Problems(valid with { PriorPayers = [With(new PriorLineAdjudication(1, 100m, [new PayerAdjustment("PR", "2", 20m)]), null!)] }));
        Assert.Equal(["priorPayers[0].lines[1].line: line 1 is decided twice", "priorPayers[0]: paid 200 and all adjustments 40 do not add up to the claim's charge 150"],
            Problems(valid with { PriorPayers = [With(new PriorLineAdjudication(1, 100m, [new PayerAdjustment("PR", "2", 20m)]), new PriorLineAdjudication(1, 100m, [new PayerAdjustment("PR", "2", 20m)]))] }));
        Assert.Equal(["priorPayers[0].lines[0].line: the claim has no line 0"], Problems(valid with { PriorPayers = [With(new PriorLineAdjudication(0, 150m, []))] }));
        Assert.Equal(["priorPayers[0].lines[0].line: the claim has no line 3"], Problems(valid with { PriorPayers = [With(new PriorLineAdjudication(3, 150m, []))] }));
        Assert.Equal(["lines[1]: must not be null", "priorPayers[0].lines[0].line: the claim has no line 2"],
            Problems(valid with { Lines = [valid.Lines[0], null!], PriorPayers = [With(new PriorLineAdjudication(2, 120m, []))] }));
        Assert.Equal(["priorPayers[0].lines[0]: paid 100 and adjustments 10 do not add up to the line's charge 120"],
            Problems(valid with { PriorPayers = [With(new PriorLineAdjudication(1, 100m, [new PayerAdjustment("CO", "45", 10m)]), new PriorLineAdjudication(2, 30m, [])) with { Adjustments = [new PayerAdjustment("CO", "45", 10m)] }] }));
        Assert.Equal(
        [
            "priorPayers[0].lines[0].paid: must be a non-negative amount with at most two decimals, found -1",
            "priorPayers[0].paid: 120 is not the sum of the lines' paid amounts -1",
            "priorPayers[0]: paid 120 and all adjustments 121 do not add up to the claim's charge 120",
        ], Problems(valid with { Lines = [valid.Lines[0]], PriorPayers = [Prior() with { Paid = 120m, Adjustments = [], Lines = [new PriorLineAdjudication(1, -1m, [new PayerAdjustment("CO", "45", 121m)])] }] }));
    }

    [Fact]
    public void ClaimOptions_EveryStatusButClosed_NeedsAPositiveLimit()
    {
        Assert.Empty(new ClaimOptions().Validate());
        Assert.Equal(
            ["Limits[Draft]: needs a positive limit", "Limits[Ready]: needs a positive limit", "Limits[Submitted]: needs a positive limit", "Limits[Accepted]: needs a positive limit",
             "Limits[Rejected]: needs a positive limit", "Limits[Paid]: needs a positive limit", "Limits[PartiallyPaid]: needs a positive limit", "Limits[Denied]: needs a positive limit",
             "Limits[Appealed]: needs a positive limit"],
            new ClaimOptions { Limits = null! }.Validate().Select(e => e.ToString()));
        var options = new ClaimOptions();
        options.Limits[ClaimStatus.Ready] = Duration.Zero;
        options.Limits.Remove(ClaimStatus.Denied);
        options.Limits[ClaimStatus.Draft] = Duration.FromTicks(1);
        Assert.Equal(["Limits[Ready]: needs a positive limit", "Limits[Denied]: needs a positive limit"], options.Validate().Select(e => e.ToString()));
        Assert.Equal(
            [(ClaimStatus.Draft, 7), (ClaimStatus.Ready, 2), (ClaimStatus.Submitted, 7), (ClaimStatus.Accepted, 30), (ClaimStatus.Rejected, 7), (ClaimStatus.Paid, 7),
             (ClaimStatus.PartiallyPaid, 30), (ClaimStatus.Denied, 30), (ClaimStatus.Appealed, 60)],
            new ClaimOptions().Limits.OrderBy(l => l.Key).Select(l => (l.Key, (int)l.Value.TotalDays)));
    }

    [Fact]
    public void Worklist_ClaimsPastTheirLimit_LongestLateFirst()
    {
        var t0 = Instant.FromUtc(2026, 12, 1, 9, 0);
        var options = new ClaimOptions();
        var draft = Valid() with { Id = "D", CreatedAt = t0 };
        var ready = Valid() with { Id = "R", Status = ClaimStatus.Ready, CreatedAt = t0.Plus(Duration.FromDays(-30)), History = [new StatusChange<ClaimStatus>(ClaimStatus.Draft, ClaimStatus.Ready, "b", t0, "ok")] };
        var closed = Valid() with { Id = "C", Status = ClaimStatus.Closed, CreatedAt = t0.Plus(Duration.FromDays(-400)) };
        var unknown = Valid() with { Id = "U", Status = ClaimStatus.Paid };
        var alsoReady = ready with { Id = "A" };

        Assert.Equal(
            [new StalledClaim("U", ClaimStatus.Paid, Instant.MinValue, Instant.MinValue), new StalledClaim("A", ClaimStatus.Ready, t0, t0.Plus(Duration.FromDays(2))), new StalledClaim("R", ClaimStatus.Ready, t0, t0.Plus(Duration.FromDays(2)))],
            ClaimWorklist.Stalled([draft, ready, closed, unknown, alsoReady], options, t0.Plus(Duration.FromDays(7))));
        Assert.Equal(["U", "A", "R", "D"], ClaimWorklist.Stalled([draft, ready, closed, unknown, alsoReady], options, t0.Plus(Duration.FromDays(7)).Plus(Duration.FromTicks(1))).Select(c => c.ClaimId));
    }

    [Fact]
    public void Move_RefusedOrInvalid_SaysWhereTheClaimMayGo()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 8, 16, 0));

        Assert.Equal("Claim 'CLM-1' cannot go from Closed to Draft; from Closed it may go to nothing (it is final).",
            Assert.Throws<TransitionException>(() => ClaimLifecycle.Move(Valid() with { Status = ClaimStatus.Closed }, ClaimStatus.Draft, "b", "r", clock)).Message);
        var refused = Assert.Throws<TransitionException>(() => ClaimLifecycle.Move(Valid() with { Status = ClaimStatus.Accepted }, ClaimStatus.Closed, "b", "r", clock));
        Assert.Equal("Claim 'CLM-1' cannot go from Accepted to Closed; from Accepted it may go to Paid, PartiallyPaid, Denied, Rejected.", refused.Message);
        Assert.Equal(("claim", "CLM-1", ClaimStatus.Accepted, ClaimStatus.Closed), (refused.Kind, refused.Id, (ClaimStatus)refused.From, (ClaimStatus)refused.To));
        var invalid = Assert.Throws<ValidationException>(() => ClaimLifecycle.Move(Valid() with { Id = "", Diagnoses = [] }, ClaimStatus.Ready, "b", "r", clock));
        Assert.Equal(string.Join(Environment.NewLine, "The claim '' is invalid (3 errors):", "id: required", "diagnoses: a claim has 1 to 12 diagnoses, found 0", "lines[0].diagnosisPointers[0]: points to diagnosis 1; the claim has 0"), invalid.Message);
        Assert.Equal(["id", "diagnoses", "lines[0].diagnosisPointers[0]"], invalid.Errors.Select(e => e.Path));
        Assert.Throws<ArgumentException>(() => ClaimLifecycle.Move(Valid(), ClaimStatus.Ready, " ", "r", clock));
        Assert.Throws<ArgumentException>(() => ClaimLifecycle.Move(Valid(), ClaimStatus.Ready, "b", "", clock));
        var moved = ClaimLifecycle.Move(Valid(), ClaimStatus.Ready, "b", "r", clock);
        Assert.Equal((ClaimStatus.Ready, "CLM-1"), (moved.Status, moved.Id));
    }

    [Fact]
    public void FromVisit_AnotherPatientsVisit_IsRefused()
    {
        var visit = new MedCoord.Engine.Visits.Visit("visit-1", "pat-2", "new-patient", Instant.FromUtc(2026, 11, 16, 9, 0), MedCoord.Engine.Visits.VisitStatus.Fulfilled, []);
        var claim = Valid();

        var refused = Assert.Throws<ValidationException>(() => ClaimLifecycle.FromVisit("c", visit, claim.Patient, claim.Coverage, claim.BillingProvider, null, claim.Diagnoses, claim.Lines));
        Assert.Equal(("patient", "The claim 'c' is invalid: patient: visit 'visit-1' is not patient 'pat-1''s"), (refused.ParamName, refused.Message));
        var draft = ClaimLifecycle.FromVisit("c", visit with { PatientId = "pat-1" }, claim.Patient, claim.Coverage, claim.BillingProvider, claim.RenderingProvider, claim.Diagnoses, claim.Lines);
        Assert.Equal(("c", "visit-1", ClaimStatus.Draft, ClaimFrequency.Original, null), (draft.Id, draft.VisitId, draft.Status, draft.Frequency, draft.PriorPayers));
        Assert.Same(claim.Patient, draft.Patient);
        Assert.Same(claim.Coverage, draft.Coverage);
        Assert.Same(claim.BillingProvider, draft.BillingProvider);
        Assert.Same(claim.Diagnoses, draft.Diagnoses);
        Assert.Same(claim.Lines, draft.Lines);
        Assert.Empty(draft.History);
    }
}

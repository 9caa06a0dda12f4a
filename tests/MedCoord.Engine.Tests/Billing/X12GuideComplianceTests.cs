using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using MedCoord.Engine.Tests.Billing.X12;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing;

/// <summary>
/// What an independent implementation-guide validator (element lengths, code lists and character set of 005010X222A1
/// and 005010X279A1) refused in files the writers produced, each now refused before a file is written or written as
/// the guide lists it.
/// </summary>
public sealed class X12GuideComplianceTests
{
    private const string BasicSet = "is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)";

    // 35 and 36 characters: NM104 (first name) is at most 35.
    private const string First35 = "Maria-Fernanda-Guadalupe-Alejandras";
    private const string First36 = "Maria-Fernanda-Guadalupe-Alejandra-X";

    private static readonly ZonedDateTime Created = new LocalDateTime(2026, 12, 8, 9, 30).InZoneStrictly(DateTimeZoneProviders.Tzdb["America/Denver"]);
    private static readonly X12Envelope Envelope = new("MEDCOORD01", "Riverside Family Clinic", "Billing Office", "3035550100", "ACMEHLTH", "Acme Health Plan", 7, false);
    private static readonly LocalDate Served = new(2026, 11, 16);
    private static readonly Person Jo = new("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 2), "F", new Address("1 Main St", "Denver", "CO", "80202"));

    private static Claim Small(Person? patient = null) => new(
        "CLM-1",
        "visit-1",
        patient ?? Jo,
        new Coverage("cov-1", "ACMEHLTH", "Acme Health Plan", "GRP-1", "M123456", patient ?? Jo, SubscriberRelationship.Self, new LocalDate(2026, 1, 1), null,
            new Benefits(new Dictionary<string, decimal>(), new Accumulator(0, 0), 20, new Accumulator(1000, 0), []), [], "CI"),
        new ClaimProvider("1234567893", "Riverside Family Clinic", true, "841234567", new Address("400 River Rd", "Denver", "CO", "802021234")),
        new ClaimProvider("1245319599", "Lopez, Maria", false),
        ["I10", "E11.9"],
        [
            new ServiceLine("93000", [], 1, 60m, [1], "11", Served, "office-visit"),
            new ServiceLine("99213", [], 1, 120m, [1, 2], "02", Served, "office-visit"),
        ],
        ClaimStatus.Draft,
        []);

    private static List<string> Problems(Claim claim) => X12Writer.Problems([claim], Envelope, Created).Texts();

    private static List<string> Segments(Claim claim)
    {
        var x12 = X12Writer.Write([claim], Envelope, Created);
        Assert.Empty(X12Check.Problems(x12));
        return [.. x12.Split("~\n", StringSplitOptions.RemoveEmptyEntries)];
    }

    private static EligibilityRequest Request()
    {
        var (request, errors) = EligibilityRequestFile.Parse(File.ReadAllBytes(X12Files.Path("eligibility-request.json")));
        Assert.Empty(errors);
        return request!;
    }

    private static List<string> Problems(EligibilityInquiry inquiry, X12Envelope? envelope = null) =>
        [.. EligibilityInquiryWriter.Problems(inquiry, envelope ?? Request().Envelope).Select(p => p.ToString())];

    /// <summary>NM104 is at most 35 characters: a rendering provider's "Last, First" of 60 could carry 58 after the comma.</summary>
    [Fact]
    public void Problems_RenderingProviderWithAFirstNameOver35_IsRefused()
    {
        var claim = Small() with { RenderingProvider = new ClaimProvider("1245319599", $"Smith, {First36}", false) };

        Assert.Equal(["claims[0].renderingProvider.name: a person's first name (after the comma) is at most 35 characters, found 36"], Problems(claim));
    }

    [Fact]
    public void Write_RenderingProviderWithAFirstNameOf35_IsWrittenWhole()
    {
        var claim = Small() with { RenderingProvider = new ClaimProvider("1245319599", $"Smith , {First35} ", false) };

        Assert.Contains("NM1*82*1*SMITH*MARIA-FERNANDA-GUADALUPE-ALEJANDRAS****XX*1245319599", Segments(claim));
    }

    /// <summary>NM103 is required: a person's name that is only ", First" would leave it empty.</summary>
    [Fact]
    public void Problems_BillingPersonWithoutALastName_IsRefused()
    {
        var claim = Small() with { BillingProvider = Small().BillingProvider with { Name = ", Maria", IsOrganization = false } };

        Assert.Equal(["claims[0].billingProvider.name: a person's name needs a last name before the comma"], Problems(claim));
    }

    [Fact]
    public void Write_BillingProviderWhoIsAPerson_IsNamedLastThenFirst()
    {
        var claim = Small() with { BillingProvider = Small().BillingProvider with { Name = "Nguyen, Thanh", IsOrganization = false } };

        var segments = Segments(claim);

        Assert.Equal(["HL*1**20*1", "NM1*85*1*NGUYEN*THANH****XX*1234567893", "N3*400 RIVER RD"], segments.GetRange(segments.IndexOf("HL*1**20*1"), 3));
    }

    /// <summary>CLM05-1 and SV105 come from the CMS place-of-service list: two digits that are not on it are refused.</summary>
    [Theory]
    [InlineData("00")]
    [InlineData("30")]
    [InlineData("40")]
    [InlineData("98")]
    public void Problems_PlaceOfServiceNotOnTheCmsList_IsRefused(string place)
    {
        var claim = Small() with { Lines = [Small().Lines[0], Small().Lines[1] with { PlaceOfService = place }] };

        Assert.Equal([$"claims[0].lines[1].placeOfService: is not a CMS place-of-service code"], Problems(claim));
    }

    [Theory]
    [InlineData("10")] // telehealth in the patient's home
    [InlineData("27")] // outreach site / street
    [InlineData("58")] // non-residential opioid treatment facility
    [InlineData("66")] // PACE center
    [InlineData("99")]
    public void Write_PlaceOfServiceOnTheCmsList_IsWrittenOnTheLine(string place)
    {
        var claim = Small() with { Lines = [Small().Lines[0], Small().Lines[1] with { PlaceOfService = place }] };

        Assert.Contains($"SV1*HC:99213*120*UN*1*{place}**1:2", Segments(claim));
    }

    [Fact]
    public void Write_PlaceOfServiceOfTheFirstLine_IsTheClaims()
    {
        var claim = Small() with { Lines = [Small().Lines[0] with { PlaceOfService = "27" }, Small().Lines[1]] };

        Assert.Contains("CLM*CLM-1*180***27:B:1*Y*A*Y*Y", Segments(claim));
    }

    /// <summary>N402 is a state code: two upper-case letters that name no US state, territory or armed forces area are refused, without echoing them.</summary>
    [Theory]
    [InlineData("ZZ")]
    [InlineData("XX")]
    [InlineData("QC")]
    public void Problems_StateThatIsNoUsPostalCode_IsRefusedWithoutTheValue(string state)
    {
        var jo = Jo with { Address = Jo.Address with { State = state } };

        var problems = Problems(Small(jo));

        Assert.Equal(
        [
            "claims[0].patient.address.state: must be the postal code of a US state, territory or armed forces area",
            "claims[0].coverage.subscriber.address.state: must be the postal code of a US state, territory or armed forces area",
        ], problems);
        Assert.DoesNotContain(problems, p => p.Contains($"'{state}'", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_BillingProviderInNoState_IsRefused()
    {
        var claim = Small() with { BillingProvider = Small().BillingProvider with { Address = new Address("400 River Rd", "Denver", "CX", "802021234") } };

        Assert.Equal(["claims[0].billingProvider.address.state: must be the postal code of a US state, territory or armed forces area"], Problems(claim));
    }

    [Theory]
    [InlineData("San Juan", "PR", "00901", "N4*SAN JUAN*PR*00901")]
    [InlineData("Washington", "DC", "20001", "N4*WASHINGTON*DC*20001")]
    [InlineData("Hagatna", "GU", "96910", "N4*HAGATNA*GU*96910")]
    [InlineData("APO", "AE", "09001", "N4*APO*AE*09001")]
    public void Write_TerritoriesDistrictAndArmedForces_AreStates(string city, string state, string zip, string n4)
    {
        var jo = Jo with { Address = new Address("1 Main St", city, state, zip) };

        Assert.Contains(n4, Segments(Small(jo)));
    }

    /// <summary>GS02/ISA06 are 2 to 15 characters and the payer's and member's NM109 2 to 80, in the 270 as in the 837P.</summary>
    [Fact]
    public void Problems_InquiryIdsShorterThanTheGuideAllows_AreRefused()
    {
        var request = Request();
        var inquiry = request.Inquiry with { Coverage = request.Inquiry.Coverage with { PayerId = "A", MemberId = "Z" } };

        Assert.Equal(
        [
            "envelope.senderId: 2 to 15 characters, found 1",
            "coverage.payerId: 2 to 80 characters, found 1",
            "coverage.memberId: 2 to 80 characters, found 1",
        ], Problems(inquiry, request.Envelope with { SenderId = "M" }));
    }

    /// <summary>A control character (here a tab) is in no X12 character set; the 270 takes the claim file's set.</summary>
    [Theory]
    [InlineData("Chen\tX", "character 5")]
    [InlineData("Chen\nX", "character 5")]
    [InlineData("Chen#2", "character 5")]
    [InlineData("Chen*", "character 5")]
    public void Problems_InquiryNameOutsideTheCharacterSet_NamesThePositionNotTheText(string lastName, string where)
    {
        var request = Request();
        var inquiry = request.Inquiry with { Coverage = request.Inquiry.Coverage with { Subscriber = request.Inquiry.Coverage.Subscriber with { LastName = lastName } } };

        Assert.Equal([$"coverage.subscriber.lastName: {where} {BasicSet}"], Problems(inquiry));
    }

    /// <summary>TRN02 is echoed by the 271 and may not end with a space; the coverage id is sent as it is, so it is refused.</summary>
    [Theory]
    [InlineData("cov-c  ")]
    [InlineData(" cov-c")]
    public void Problems_TraceNumberWithSurroundingSpaces_IsRefused(string id)
    {
        var request = Request();
        var inquiry = request.Inquiry with { Coverage = request.Inquiry.Coverage with { Id = id } };

        Assert.Equal(["coverage.id: must not begin or end with a space (it is the trace number, TRN02)"], Problems(inquiry));
    }

    /// <summary>EQ01 is a code of the guide's list: well-formed codes that are not on it (Q9, or E1 of later versions) are refused.</summary>
    [Theory]
    [InlineData("Q9")]
    [InlineData("E1")]
    [InlineData("29")]
    [InlineData("ZZ")]
    public void Problems_ServiceTypeNotInTheGuide_IsRefused(string code)
    {
        var request = Request();

        Assert.Equal([$"serviceTypes[1]: '{code}' is not a service type code of 005010X279A1 (EQ01)"], Problems(request.Inquiry with { ServiceTypes = ["30", code] }));
    }

    [Fact]
    public void Problems_InquiryFromAPersonWithAFirstNameOver35_IsRefused()
    {
        var request = Request();
        var inquiry = request.Inquiry with { Provider = request.Inquiry.Provider with { Name = $"Smith, {First36}", IsOrganization = false } };

        Assert.Equal(["provider.name: a person's first name (after the comma) is at most 35 characters, found 36"], Problems(inquiry));
    }

    /// <summary>A subscriber's inquiry from a provider who is a person, every segment written out by hand from the guide.</summary>
    [Fact]
    public void Write_SubscriberInquiryFromAPerson_IsExactlyTheseSegments()
    {
        var request = Request();
        var coverage = request.Inquiry.Coverage with { Relationship = SubscriberRelationship.Self };
        var inquiry = request.Inquiry with
        {
            Coverage = coverage,
            Patient = coverage.Subscriber,
            Provider = request.Inquiry.Provider with { Name = "Smith, Jane", IsOrganization = false },
            ServiceTypes = ["30", "UC", "1", "MH"],
        };

        Assert.Equal(
            """
            ISA*00*          *00*          *ZZ*MEDCOORD01     *ZZ*ACMEHLTH       *261201*1000*^*00501*000000042*0*T*:~
            GS*HS*MEDCOORD01*ACMEHLTH*20261201*1000*42*X*005010X279A1~
            ST*270*0042*005010X279A1~
            BHT*0022*13*000000042*20261201*1000~
            HL*1**20*1~
            NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH~
            HL*2*1*21*1~
            NM1*1P*1*SMITH*JANE****XX*1234567893~
            HL*3*2*22*0~
            TRN*1*cov-c*1841234567~
            NM1*IL*1*CHEN*MEI****MI*ACM987654321~
            DMG*D8*19840217*F~
            DTP*291*D8*20261207~
            EQ*30~
            EQ*UC~
            EQ*1~
            EQ*MH~
            SE*16*0042~
            GE*1*42~
            IEA*1*000000042~

            """.ReplaceLineEndings("\n"),
            EligibilityInquiryWriter.Write(inquiry, request.Envelope, Instant.FromUtc(2026, 12, 1, 10, 0).InUtc()));
    }
}

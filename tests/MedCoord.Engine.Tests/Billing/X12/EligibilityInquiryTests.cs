using MedCoord.Engine.Billing;
using MedCoord.Engine.Billing.X12;
using MedCoord.Scheduling.Validation;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>The 270 writer: a whole inquiry written by hand from the 005010X279A1 guide, and every problem that keeps an inquiry from a file.</summary>
public sealed class EligibilityInquiryTests
{
    private static readonly Person Jo = new("pat-1", "Doe", "Jo", new LocalDate(1980, 1, 2), "F", new Address("1 Main St", "Denver", "CO", "80202"));
    private static readonly X12Envelope Envelope = new("MEDCOORD01", "Riverside Family Clinic", "Billing Office", "3035550100", "ACMEHLTH", "Acme Health Plan", 123456, true);

    private static EligibilityInquiry Inquiry() => new(
        new Coverage("cov-1", "ACMEHLTH", "Acme Health Plan", "GRP-1", "M123456", Jo, SubscriberRelationship.Self, new LocalDate(2026, 1, 1), null,
            new Benefits(new Dictionary<string, decimal>(), new Accumulator(0, 0), 20, new Accumulator(1000, 0), []), []),
        Jo,
        new ClaimProvider("1003000126", "Nguyen, An", false, "990000001"),
        ["30", "98", "AL"],
        new LocalDate(2026, 12, 7));

    [Fact]
    public void Write_SubscriberInquiryFromAPerson_IsExactlyTheseSegments()
    {
        var x12 = EligibilityInquiryWriter.Write(Inquiry(), Envelope, Instant.FromUtc(2026, 12, 1, 10, 5).InUtc());

        Assert.Equal(
            """
            ISA*00*          *00*          *ZZ*MEDCOORD01     *ZZ*ACMEHLTH       *261201*1005*^*00501*000123456*0*P*:~
            GS*HS*MEDCOORD01*ACMEHLTH*20261201*1005*123456*X*005010X279A1~
            ST*270*3456*005010X279A1~
            BHT*0022*13*000123456*20261201*1005~
            HL*1**20*1~
            NM1*PR*2*ACME HEALTH PLAN*****PI*ACMEHLTH~
            HL*2*1*21*1~
            NM1*1P*1*NGUYEN*AN****XX*1003000126~
            HL*3*2*22*0~
            TRN*1*cov-1*1990000001~
            NM1*IL*1*DOE*JO****MI*M123456~
            DMG*D8*19800102*F~
            DTP*291*D8*20261207~
            EQ*30~
            EQ*98~
            EQ*AL~
            SE*15*3456~
            GE*1*123456~
            IEA*1*000123456~

            """.ReplaceLineEndings("\n"),
            x12);
    }

    [Fact]
    public void Write_ProviderNamedWithoutAComma_IsItsLastName()
    {
        var inquiry = Inquiry() with { Provider = Inquiry().Provider with { Name = "Nguyen" } };

        Assert.Contains("~\nNM1*1P*1*NGUYEN*****XX*1003000126~\n", EligibilityInquiryWriter.Write(inquiry, Envelope, Instant.FromUtc(2026, 12, 1, 10, 5).InUtc()), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_EveryFieldWrong_NamesEachPath()
    {
        var inquiry = Inquiry() with
        {
            Coverage = Inquiry().Coverage with { Id = "", PayerId = new string('P', 81), PayerName = "Acme~", MemberId = "M:1", Subscriber = Jo with { LastName = "Dö", FirstName = new string('J', 36), Sex = "X" } },
            Patient = Jo with { Id = "pat-2", LastName = "A^B" },
            Provider = new ClaimProvider("1003000126", "Clinic*", true, "99000000A"),
            ServiceTypes = ["30", "abc", "3$", ""],
        };

        Assert.Equal(
        [
            "envelope.senderId: required",
            "envelope.receiverId: 2 to 15 characters, found 16",
            "envelope.controlNumber: must be from 1 to 999999999, found 1000000000",
            "coverage.id: required",
            "coverage.payerId: 2 to 80 characters, found 81",
            "coverage.payerName: character 5 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
            "coverage.memberId: character 2 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
            "coverage.subscriber.lastName: character 2 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
            "coverage.subscriber.firstName: at most 35 characters, found 36",
            "coverage.subscriber.sex: must be F, M or U",
            "patient.lastName: character 2 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
            "patient: the patient must be the subscriber exactly when the coverage's relationship is self",
            "provider.name: character 7 is outside the X12 basic character set (letters, digits, space and ! \" & ' ( ) + , - . / ; ? =)",
            "provider.taxId: a 9-digit employer identification number is required (it identifies who assigned the trace number, TRN03)",
            "serviceTypes[1]: a service type code is 1 or 2 upper-case letters or digits (for example 30 or 98)",
            "serviceTypes[2]: a service type code is 1 or 2 upper-case letters or digits (for example 30 or 98)",
            "serviceTypes[3]: a service type code is 1 or 2 upper-case letters or digits (for example 30 or 98)",
        ], EligibilityInquiryWriter.Problems(inquiry, Envelope with { SenderId = " ", ReceiverId = "ABCDEFGHIJKLMNOP", ControlNumber = 1_000_000_000 }).Select(p => p.ToString()));
    }

    [Fact]
    public void Problems_MissingParts_AreRequired()
    {
        Assert.Equal(["envelope.controlNumber: must be from 1 to 999999999, found 0", "coverage: required"],
            EligibilityInquiryWriter.Problems(Inquiry() with { Coverage = null! }, Envelope with { ControlNumber = 0 }).Select(p => p.ToString()));
        Assert.Equal(["coverage.subscriber: required", "patient: required", "provider: required", "serviceTypes: 1 to 99 service type codes, found 0"],
            EligibilityInquiryWriter.Problems(Inquiry() with { Coverage = Inquiry().Coverage with { Subscriber = null! }, Patient = null!, Provider = null!, ServiceTypes = null! }, Envelope).Select(p => p.ToString()));
        Assert.Equal(["serviceTypes: 1 to 99 service type codes, found 100"],
            EligibilityInquiryWriter.Problems(Inquiry() with { ServiceTypes = [.. Enumerable.Repeat("30", 100)] }, Envelope).Select(p => p.ToString()));
        Assert.Empty(EligibilityInquiryWriter.Problems(Inquiry() with { ServiceTypes = [.. Enumerable.Repeat("30", 99)] }, Envelope with { ControlNumber = 999_999_999, SenderId = "ABCDEFGHIJKLMNO" }));
        Assert.Equal(["patient: the patient must be the subscriber exactly when the coverage's relationship is self"],
            EligibilityInquiryWriter.Problems(Inquiry() with { Coverage = Inquiry().Coverage with { Relationship = SubscriberRelationship.Child } }, Envelope).Select(p => p.ToString()));
        Assert.Equal(["patient: the patient is the subscriber (relationship Self), so the X12 file sends the subscriber's name, birth date, sex and address; the patient's must be the same as coverage.subscriber's"],
            EligibilityInquiryWriter.Problems(Inquiry() with { Patient = Inquiry().Patient with { BirthDate = Inquiry().Patient.BirthDate.PlusYears(1) } }, Envelope).Select(p => p.ToString()));
        Assert.Equal("inquiry", Assert.Throws<ValidationException>(() => EligibilityInquiryWriter.Write(Inquiry() with { ServiceTypes = [] }, Envelope, Instant.FromUtc(2026, 12, 1, 10, 5).InUtc())).ParamName);
    }
    [Theory]
    [InlineData("F")]
    [InlineData("M")]
    [InlineData("U")]
    public void Problems_EachX12Sex_IsAccepted_AndTheLowestControlNumber(string sex)
    {
        var person = Jo with { Sex = sex };

        Assert.Empty(EligibilityInquiryWriter.Problems(Inquiry() with { Coverage = Inquiry().Coverage with { Subscriber = person }, Patient = person }, Envelope with { ControlNumber = 1 }));
    }

    [Fact]
    public void Problems_OnlyThePatientMissing_IsThatOneProblem()
    {
        Assert.Equal(["patient: required"], EligibilityInquiryWriter.Problems(Inquiry() with { Patient = null! }, Envelope).Select(p => p.ToString()));
        Assert.Throws<ArgumentNullException>(() => EligibilityInquiryWriter.Problems(null!, Envelope));
        Assert.Throws<ArgumentNullException>(() => EligibilityInquiryWriter.Problems(Inquiry(), null!));
    }

    [Fact]
    public void Problems_APersonProviderNeedsALastNameBeforeTheComma_AnOrganizationIsWrittenWhole()
    {
        var person = Inquiry() with { Provider = Inquiry().Provider with { Name = ", An" } };
        var organization = Inquiry() with { Provider = Inquiry().Provider with { Name = "Riverside, Clinic", IsOrganization = true } };

        Assert.Equal(["provider.name: a person's name needs a last name before the comma"], EligibilityInquiryWriter.Problems(person, Envelope).Select(p => p.ToString()));
        Assert.Empty(EligibilityInquiryWriter.Problems(organization, Envelope));
        Assert.Contains("~\nNM1*1P*2*RIVERSIDE, CLINIC*****XX*1003000126~\n", EligibilityInquiryWriter.Write(organization, Envelope, Instant.FromUtc(2026, 12, 1, 10, 5).InUtc()), StringComparison.Ordinal);
        var refused = Assert.Throws<ValidationException>(() => EligibilityInquiryWriter.Write(person, Envelope, Instant.FromUtc(2026, 12, 1, 10, 5).InUtc()));
        Assert.Contains("270 input", refused.Message, StringComparison.Ordinal);
    }
}

using MedCoord.Engine.Billing.X12;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>
/// The tokenizer on small interchanges written by hand: each header and envelope rule broken once, with the whole
/// error (the segment's number in the file, the ISA being 1, and what is wrong); and the element accessors.
/// </summary>
public sealed class X12EnvelopeTests
{
    private const string Isa = "ISA*00*          *00*          *ZZ*ACMEHLTH       *ZZ*MEDCOORD01     *261208*0900*^*00501*000000201*0*P*:~";
    private const string Group = "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X*005010X231A1~ST*999*0001~SE*2*0001~GE*1*201~";

    private static List<string> Errors(string text) => [.. X12Reader.Read(text).Errors.Select(e => e.ToString())];

    [Fact]
    public void Read_InterchangeWithoutGroups_IsAnEmptyInterchangeThatHoldsNoTransactionSet()
    {
        var interchange = X12Files.ReadText(Isa + "IEA*0*000000201~");

        Assert.Empty(interchange.Groups);
        var (acks, errors) = Acknowledgements.Read999(interchange);
        Assert.Empty(acks);
        Assert.Equal(["segment 1 (ISA): the interchange holds no transaction set; expected an implementation acknowledgement (999)"], errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(Isa, "segment 1 (ISA): the interchange has no IEA trailer")]
    [InlineData(Isa + "ST*999*0001~SE*2*0001~IEA*1*000000201~", "segment 2 (ST): expected GS (a functional group) after the ISA")]
    [InlineData(Isa + Group + "ST*999*0002~IEA*1*000000201~", "segment 6 (ST): expected GS or IEA after a GE")]
    [InlineData(Isa + Group + Group + "IEA**000000201~", "segment 10 (IEA): IEA01 says nothing; the interchange has 2 functional groups")]
    [InlineData(Isa + Group + "IEA*01*000000201~", "")]
    [InlineData(Isa + Group + "IEA*+1*000000201~", "segment 6 (IEA): IEA01 says '+1'; the interchange has 1 functional group")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~AK1*HC*42~ST*999*0001~SE*2*0001~GE*1*201~IEA*1*000000201~", "segment 3 (AK1): expected ST or GE inside a functional group")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~SE*2*0001~IEA*1*000000201~", "segment 5 (IEA): expected ST or GE inside a functional group")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~AK1~GE**201~IEA*1*000000201~",
        "segment 3 (ST): transaction set 0001 has no SE trailer|segment 5 (GE): GE01 says nothing; the group has 1 transaction set")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~SE*2*0001~ST*999*0002~SE*2*0002~GE*1*201~IEA*1*000000201~",
        "segment 7 (GE): GE01 says '1'; the group has 2 transaction sets")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~SE**0002~GE*1*201~IEA*1*000000201~",
        "segment 4 (SE): SE01 says nothing; the transaction set has 2 segments, ST and SE included|segment 4 (SE): SE02 '0002' does not match ST02 '0001'")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~SE*2*0001~",
        "segment 2 (GS): the functional group has no GE trailer|segment 4 (SE): the interchange has no IEA trailer")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~ST*999*0002~SE*2*0002~GE*2*201~IEA*1*000000201~",
        "segment 3 (ST): transaction set 0001 has no SE trailer")]
    [InlineData(Isa + "GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~SE*2*0001~GE*1*201~IEA*1*000000201~GS*FA~",
        "segment 7 (GS): found after the IEA trailer; an interchange ends with IEA")]
    public void Read_EnvelopeBroken_NamesTheSegmentAndWhatIsWrong(string text, string expected)
    {
        var (interchange, errors) = X12Reader.Read(text);

        Assert.Equal(expected.Length == 0 ? [] : expected.Split('|'), errors.Select(e => e.ToString()));
        Assert.Equal(expected.Length == 0, interchange is not null);
    }

    [Theory]
    [InlineData("ISA 00", "the element separator (the fourth character) must not be a letter, digit or space")]
    [InlineData("ISAA00", "the element separator (the fourth character) must not be a letter, digit or space")]
    [InlineData("ISA500", "the element separator (the fourth character) must not be a letter, digit or space")]
    [InlineData("*P*A~", "a delimiter (ISA11, ISA16 or the character after ISA16) is a letter, digit or space; is the ISA the right width?")]
    [InlineData("*P*:X", "a delimiter (ISA11, ISA16 or the character after ISA16) is a letter, digit or space; is the ISA the right width?")]
    [InlineData("*P*:7", "a delimiter (ISA11, ISA16 or the character after ISA16) is a letter, digit or space; is the ISA the right width?")]
    [InlineData("*P*: ", "a delimiter (ISA11, ISA16 or the character after ISA16) is a letter, digit or space; is the ISA the right width?")]
    [InlineData("*^*00501*", "ISA12 is '00401'; only version 00501 is read")]
    [InlineData("*00000020", "ISA13 (the interchange control number) must be 9 digits")]
    [InlineData("*:*00501*", "the delimiters are not distinct: the element separator, repetition separator (ISA11), component separator (ISA16) and segment terminator must differ")]
    [InlineData("*P*~~", "the delimiters are not distinct: the element separator, repetition separator (ISA11), component separator (ISA16) and segment terminator must differ")]
    [InlineData("*P*:*", "the delimiters are not distinct: the element separator, repetition separator (ISA11), component separator (ISA16) and segment terminator must differ")]
    public void Read_IsaBroken_IsRefusedAsSegmentOne(string part, string expected)
    {
        (string From, string To) replacement = part switch
        {
            "ISA 00" or "ISAA00" or "ISA500" => ("ISA*00", part),
            "*^*00501*" => ("*^*00501*", "*^*00401*"),
            "*00000020" => ("*000000201*", "*00000020A*"),
            "*:*00501*" => ("*^*00501*", part),
            _ => ("*P*:~", part),
        };
        var text = (Isa + Group + "IEA*1*000000201~").Replace(replacement.From, replacement.To, StringComparison.Ordinal);

        Assert.Equal([$"segment 1 (ISA): {expected}"], Errors(text));
    }

    [Theory]
    [InlineData("ak1*HC*42")]
    [InlineData("A*HC*42")]
    [InlineData("AK10*HC*42")]
    [InlineData("A-1*HC*42")]
    [InlineData("*HC*42")]
    public void Read_SegmentWithoutAnId_IsRefusedByItsNumber(string segment)
    {
        var text = Isa + $"GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~{segment}~SE*3*0001~GE*1*201~IEA*1*000000201~";

        Assert.Equal(["segment 4: does not start with a segment id (2 or 3 upper-case letters or digits followed by the element separator '*'); are the delimiters the ISA declares the ones the file uses?"],
            Errors(text));
    }

    [Fact]
    public void Read_TwoAndThreeCharacterIdsWithDigits_AreSegments()
    {
        var interchange = X12Files.ReadText($"  \r\n\t{Isa}GS*FA*ACMEHLTH*MEDCOORD01*20261208*0900*201*X~ST*999*0001~N3*1 MAIN ST~N4*DENVER~SE*4*0001~GE*1*201~IEA*1*000000201~");

        var set = interchange.Transactions.Single();
        Assert.Equal(["ST", "N3", "N4", "SE"], set.Segments.Select(s => s.Id));
        Assert.Equal([4, 5], set.Body.Select(s => s.Position));
        Assert.Equal(("999", "0001", string.Empty), (set.Id, set.ControlNumber, set.Reference));
        Assert.Equal(("FA", "201", string.Empty), (interchange.Groups[0].FunctionalId, interchange.Groups[0].ControlNumber, interchange.Groups[0].Version));
    }

    [Fact]
    public void Read_TestInterchange_IsNotProduction()
    {
        var interchange = X12Files.ReadText((Isa + Group + "IEA*1*000000201~").Replace("*0*P*:~", "*0*T*:~", StringComparison.Ordinal));

        Assert.Equal(("ACMEHLTH", "MEDCOORD01", "000000201", false), (interchange.SenderId, interchange.ReceiverId, interchange.ControlNumber, interchange.Production));
    }

    [Fact]
    public void Segment_Accessors_ReadElementsComponentsAndRepetitions()
    {
        var eq = ReadEq(Isa);

        Assert.Equal((3, "EQ", "segment 4 (EQ)", "segment 4 (EQ)"), (eq.Count, eq.Id, eq.Where, eq.ToString()));
        Assert.Equal((string.Empty, "30^98", string.Empty, "A:B", string.Empty), (eq[0], eq[1], eq[2], eq[3], eq[4]));
        Assert.Equal(["30", "98"], eq.Repetitions(1));
        Assert.Empty(eq.Repetitions(2));
        Assert.Empty(eq.Repetitions(4));
        Assert.Equal(["A", "B"], eq.Components(3));
        Assert.Equal([string.Empty], eq.Components(4));
        Assert.Equal(("A", "B", string.Empty, string.Empty), (eq.Component(3, 1), eq.Component(3, 2), eq.Component(3, 3), eq.Component(3, 0)));
        Assert.Equal(("segment 4 (EQ)", "EQ03 is wrong"), (eq.Error("EQ03 is wrong").Path, eq.Error("EQ03 is wrong").Message));
    }

    [Fact]
    public void Segment_WithoutARepetitionSeparator_HasOneRepetitionPerNonEmptyElement()
    {
        var eq = ReadEq(Isa.Replace("*^*00501*", "*U*00501*", StringComparison.Ordinal));

        Assert.Equal(["30^98"], eq.Repetitions(1));
        Assert.Empty(eq.Repetitions(2));
        Assert.Empty(eq.Repetitions(9));
    }

    [Theory]
    [InlineData("12", 12.0)]
    [InlineData("-5.25", -5.25)]
    [InlineData(".5", 0.5)]
    [InlineData("100.", 100.0)]
    [InlineData("", null)]
    [InlineData("1,000", null)]
    [InlineData("1e5", null)]
    [InlineData("+5", null)]
    [InlineData(" 5", null)]
    [InlineData(".", null)]
    [InlineData("1-2", null)]
    public void Number_IsAnX12Decimal(string value, double? expected) => Assert.Equal(expected is { } e ? (decimal)e : null, X12Reader.Number(value));

    [Theory]
    [InlineData("20261208", 2026, 12, 8)]
    [InlineData("20240229", 2024, 2, 29)]
    [InlineData("20250229", 0, 0, 0)]
    [InlineData("2026128", 0, 0, 0)]
    [InlineData("202612080", 0, 0, 0)]
    [InlineData("2026-1-8", 0, 0, 0)]
    public void Date_IsCcyymmdd(string value, int year, int month, int day) =>
        Assert.Equal(year == 0 ? null : new NodaTime.LocalDate(year, month, day), X12Reader.Date(value));

    private static X12Segment ReadEq(string isa)
    {
        var interchange = X12Files.ReadText(isa + "GS*HS*MEDCOORD01*ACMEHLTH*20261208*0900*201*X*005010X279A1~ST*270*0001*005010X279A1~EQ*30^98**A:B~SE*3*0001~GE*1*201~IEA*1*000000201~");
        return interchange.Transactions.Single().Body.Single();
    }
}

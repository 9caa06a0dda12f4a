using System.Text;
using MedCoord.Engine.Billing.X12;
using MedCoord.Scheduling.Validation;
using Xunit;

namespace MedCoord.Engine.Tests.Billing.X12;

/// <summary>The one tokenizer: delimiters from the ISA, envelopes checked, errors naming the segment number.</summary>
public sealed class X12ReaderTests
{
    [Fact]
    public void Read_Remittance_TakesTheDelimitersFromTheIsaAndNumbersEverySegment()
    {
        var interchange = X12Files.Read("paid.835");

        Assert.Equal(new X12Delimiters('*', '^', ':', '~'), interchange.Delimiters);
        Assert.Equal(("ACMEHLTH", "MEDCOORD01", "000000101", true), (interchange.SenderId, interchange.ReceiverId, interchange.ControlNumber, interchange.Production));
        var group = Assert.Single(interchange.Groups);
        Assert.Equal(("HP", "101", "005010X221A1"), (group.FunctionalId, group.ControlNumber, group.Version));
        var set = Assert.Single(group.Transactions);
        Assert.Equal(("835", "0001", string.Empty, 40), (set.Id, set.ControlNumber, set.Reference, set.Segments.Count));
        var clp = set.Segments.First(s => s.Id == "CLP");
        Assert.Equal(("segment 13 (CLP)", "CLM-2026-0001", "230.01"), (clp.Where, clp[1], clp[3]));
        var svc = set.Segments.First(s => s.Id == "SVC");
        Assert.Equal(["HC", "99214", "25"], svc.Components(1));
        Assert.Equal(string.Empty, svc[40]);
    }

    [Fact]
    public void Read_OtherDelimitersAndNoLineBreaks_AreReadFromTheIsa()
    {
        // The same 999 with | between elements, > between components, ! as the repetition separator and ` ending segments.
        var text = X12Files.Text("accepted.999").Replace('*', '|').Replace(':', '>').Replace("|^|", "|!|", StringComparison.Ordinal).Replace('~', '`');

        var interchange = X12Files.ReadText(text);

        Assert.Equal(new X12Delimiters('|', '!', '>', '`'), interchange.Delimiters);
        var ak1 = interchange.Transactions.Single().Segments[1];
        Assert.Equal(("AK1", "HC", "42", 4), (ak1.Id, ak1[1], ak1[2], ak1.Position));
    }

    [Fact]
    public void Read_LineBreaksAndCarriageReturnsAroundSegments_AreIgnored()
    {
        var text = X12Files.Text("accepted.999").Replace("~", "~\r\n", StringComparison.Ordinal);

        Assert.Equal(6, X12Files.ReadText(text).Transactions.Single().Segments.Count);
    }

    [Theory]
    [InlineData("bad-isa-width.835", "segment 1 (ISA): ISA06 is 14 characters; the ISA is fixed-width and ISA06 must be 15")]
    [InlineData("wrong-delimiters.835", "segment 2: does not start with a segment id (2 or 3 upper-case letters or digits followed by the element separator '*'); are the delimiters the ISA declares the ones the file uses?")]
    [InlineData("missing-se.835", "segment 3 (ST): transaction set 0001 has no SE trailer")]
    [InlineData("count-mismatch.835", "segment 42 (SE): SE01 says '38'; the transaction set has 40 segments, ST and SE included")]
    public void Read_MalformedFile_NamesTheSegmentAndWhatIsWrong(string file, string expected)
    {
        var (interchange, errors) = X12Reader.Read(X12Files.Text(file));

        Assert.Null(interchange);
        Assert.Equal([expected], errors.Select(e => e.ToString()));
        X12Files.NoPatientData(errors);
    }

    [Theory]
    [InlineData("", "segment 1: the file is empty; an X12 interchange starts with ISA")]
    [InlineData("{\"formatVersion\": 1}", "segment 1: the file does not start with an ISA segment")]
    [InlineData("ISA*00*", "segment 1 (ISA): the interchange header is 7 characters long; an ISA is exactly 106 (element separator at position 4, segment terminator after ISA16)")]
    public void Read_NotAnInterchange_SaysSo(string text, string expected)
    {
        var (_, errors) = X12Reader.Read(text);

        Assert.Equal([expected], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_ComponentSeparatorIsTheElementSeparator_IsRefused()
    {
        // ISA16 (the component separator) is the element separator.
        var text = X12Files.Text("accepted.999").Replace("*P*:~", "*P**~", StringComparison.Ordinal);

        var (_, errors) = X12Reader.Read(text);

        Assert.Equal(["segment 1 (ISA): has 17 elements within its fixed 106 characters; it must have 16 of fixed widths (is a field too long or too short?)"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_RepetitionSeparatorSameAsComponentSeparator_IsRefused()
    {
        var text = X12Files.Text("accepted.999").Replace("*^*00501*", "*:*00501*", StringComparison.Ordinal);

        var (_, errors) = X12Reader.Read(text);

        Assert.Equal(["segment 1 (ISA): the delimiters are not distinct: the element separator, repetition separator (ISA11), component separator (ISA16) and segment terminator must differ"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_EnvelopeCountsAndControlNumbersWrong_ListsEveryOne()
    {
        var text = X12Files.Text("paid.835").Replace("GE*1*101~", "GE*2*102~", StringComparison.Ordinal).Replace("IEA*1*000000101~", "IEA*3*000000999~\nLX*1~", StringComparison.Ordinal);

        var (_, errors) = X12Reader.Read(text);

        Assert.Equal(
        [
            "segment 43 (GE): GE01 says '2'; the group has 1 transaction set",
            "segment 43 (GE): GE02 '102' does not match the group control number GS06 '101'",
            "segment 44 (IEA): IEA01 says '3'; the interchange has 1 functional group",
            "segment 44 (IEA): IEA02 does not match the interchange control number ISA13",
            "segment 45 (LX): found after the IEA trailer; an interchange ends with IEA",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_BadByte_ReportsItsOffset()
    {
        var bytes = Encoding.ASCII.GetBytes(X12Files.Text("accepted.999"));
        bytes[120] = 0xFF;

        var (_, errors) = X12Reader.Read(bytes);

        Assert.Equal([new ValidationError("file", "invalid UTF-8 at byte offset 120 (the file must be UTF-8)")], errors);
    }

    [Fact]
    public void Read_MissingIea_SaysSo()
    {
        var text = X12Files.Text("paid.835").Replace("IEA*1*000000101~\n", string.Empty, StringComparison.Ordinal);

        var (_, errors) = X12Reader.Read(text);

        Assert.Equal(["segment 43 (GE): the interchange has no IEA trailer"], errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData('\0', "U+0000")]
    [InlineData('\t', "U+0009")]
    [InlineData('\n', "U+000A")]
    [InlineData('\u007F', "U+007F")]
    [InlineData('\u0085', "U+0085")]
    [InlineData('\u009F', "U+009F")]
    public void Read_ControlCharacterInsideASegment_IsRefusedWithItsSegmentAndPlace(char control, string code)
    {
        // CLP is segment 13 of paid.835: "CLP*CLM-2026-0001*..." with the control character after "CLP*CLM".
        var text = X12Files.Text("paid.835").Replace("CLP*CLM-2026-0001*", $"CLP*CLM{control}-2026-0001*", StringComparison.Ordinal);

        var (interchange, errors) = X12Reader.Read(text);

        Assert.Null(interchange);
        Assert.Equal([$"segment 13 (CLP): contains the control character {code} at character 8; X12 text has none (line breaks are allowed only between segments)"], errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("~\nCLP*", "~\n\0CLP*", "segment 13: contains the control character U+0000 at character 1")]
    [InlineData("*ACM2026120001*11*1~", "*ACM2026120001*11*1\t~", "segment 13 (CLP): contains the control character U+0009 at character 56")]
    [InlineData("~\nNM1*QC", "~\f\nNM1*QC", "segment 14: contains the control character U+000C at character 1")]
    public void Read_ControlCharacterAtEitherEndOfASegment_IsRefusedToo(string from, string to, string expected)
    {
        var text = X12Files.Text("paid.835");
        var at = text.IndexOf(from, StringComparison.Ordinal);

        var (_, errors) = X12Reader.Read(text[..at] + to + text[(at + from.Length)..]);

        Assert.Equal([expected + "; X12 text has none (line breaks are allowed only between segments)"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_ControlCharacterThenASegmentWithoutAnId_ReportsBoth()
    {
        var text = X12Files.Text("paid.835").Replace("CLP*CLM-2026-0001*", "CLP*CLM\0-2026-0001*", StringComparison.Ordinal).Replace("~\nNM1*QC*1*CHEN", "~\nnm1*QC*1*CHEN", StringComparison.Ordinal);

        var (_, errors) = X12Reader.Read(text);

        Assert.Equal(
        [
            "segment 13 (CLP): contains the control character U+0000 at character 8; X12 text has none (line breaks are allowed only between segments)",
            "segment 30: does not start with a segment id (2 or 3 upper-case letters or digits followed by the element separator '*'); are the delimiters the ISA declares the ones the file uses?",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_ControlCharacterInTheIsa_IsRefused()
    {
        var isa = X12Files.Text("accepted.999");
        var at = isa.IndexOf("ISA*00*", StringComparison.Ordinal) + 7;
        var text = isa[..at] + "\0" + isa[(at + 1)..];

        var (_, errors) = X12Reader.Read(text);

        Assert.Equal(["segment 1 (ISA): ISA02 contains a control character; X12 text has none"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_ControlCharacterDelimiters_AreDelimitersNotData()
    {
        // An interchange may use control characters as delimiters (here U+001D between elements, U+001C ending segments).
        var text = X12Files.Text("accepted.999").Replace('*', '\u001D').Replace("~\n", "\u001C", StringComparison.Ordinal).Replace('~', '\u001C');

        var interchange = X12Files.ReadText(text);

        Assert.Equal(new X12Delimiters('\u001D', '^', ':', '\u001C'), interchange.Delimiters);
        Assert.Equal("HC", interchange.Transactions.Single().Segments[1][1]);
    }
}

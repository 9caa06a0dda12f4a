using System.Text;

namespace MedCoord.Scheduling.Tests.Validation;

/// <summary>Input files are read as bytes and decoded strictly: a bad byte is an error at its offset, never a replacement character.</summary>
public sealed class Utf8InputTests
{
    private static readonly byte[] Example = File.ReadAllBytes(TestProblems.TestData("clinic-small.json"));

    /// <summary>The example with <paramref name="bad"/> put in place of the bytes at the first occurrence of <paramref name="at"/>, and its offset.</summary>
    private static (byte[] Bytes, int Offset) Spoiled(byte[] file, string at, params byte[] bad)
    {
        var offset = file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(at));
        var bytes = (byte[])file.Clone();
        bad.CopyTo(bytes, offset);
        return (bytes, offset);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]                   // never valid
    [InlineData(new byte[] { 0xC3, 0x28 })]             // a lead byte without its continuation
    [InlineData(new byte[] { 0xC0, 0xAF })]             // an overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // a UTF-16 surrogate encoded
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // past U+10FFFF
    public void ProblemFile_InvalidUtf8_ReportsTheByteOffsetAndNoText(byte[] bad)
    {
        var (bytes, offset) = Spoiled(Example, "haddad", bad);

        var errors = ProblemFile.TryParse(bytes, out var problem);

        Assert.Null(problem);
        Assert.Equal([$"$: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ProblemFile_TruncatedSequenceAtTheEnd_ReportsItsOffset()
    {
        var bytes = Example.Concat(new byte[] { 0xE2, 0x82 }).ToArray();

        Assert.Equal([$"$: invalid UTF-8 at byte offset {Example.Length} (the file must be UTF-8)"], ProblemFile.TryParse(bytes, out _).Select(e => e.ToString()));
    }

    [Fact]
    public void ProblemFile_ByteOrderMark_IsAccepted()
    {
        var errors = ProblemFile.TryParse([0xEF, 0xBB, 0xBF, .. Example], out var problem);

        Assert.Empty(errors);
        Assert.Equal(ProblemFile.Parse(Encoding.UTF8.GetString(Example)).Requests.Count, problem!.Requests.Count);
    }

    [Fact]
    public void ProblemFile_MultiByteCharacters_AreKept()
    {
        var text = Encoding.UTF8.GetString(Example).Replace("\"dr-haddad\"", "\"dr-häddad-東\"", StringComparison.Ordinal);

        Assert.Empty(ProblemFile.TryParse(Encoding.UTF8.GetBytes(text), out var problem));
        Assert.Contains(problem!.Providers, p => p.Id == "dr-häddad-東");
    }

    [Fact]
    public void ProblemFile_Utf16_IsRefusedAsNotUtf8()
    {
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(Example))];

        Assert.Equal(["$: the file starts with a UTF-16 byte order mark; it must be UTF-8"], ProblemFile.TryParse(bytes, out _).Select(e => e.ToString()));
    }

    [Fact]
    public void ScheduleFile_InvalidUtf8_ReportsTheByteOffset()
    {
        var book = Encoding.UTF8.GetBytes("""{ "formatVersion": 1, "assignments": [ { "request": "r-01", "patient": "p-001", "facility": "main", "start": "2026-12-07T09:00:00-05:00", "end": "2026-12-07T09:40:00-05:00" } ] }""");
        var (bytes, offset) = Spoiled(book, "p-001", 0x80);

        var errors = ScheduleFile.TryParse(bytes, out var schedule);

        Assert.Null(schedule);
        Assert.Equal([$"$: invalid UTF-8 at byte offset {offset} (the file must be UTF-8)"], errors.Select(e => e.ToString()));
        Assert.Empty(ScheduleFile.TryParse(book, out _));
    }
}

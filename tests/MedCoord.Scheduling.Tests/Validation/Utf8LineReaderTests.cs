using System.Text;
using MedCoord.Scheduling.Serialization;

namespace MedCoord.Scheduling.Tests.Validation;

/// <summary>Lines read strictly from a stream of UTF-8: line ends, the end of input, and a bad byte named by its offset in the stream.</summary>
public sealed class Utf8LineReaderTests
{
    private static Utf8LineReader Reader(params byte[] bytes) => new(new MemoryStream(bytes));

    [Fact]
    public void ReadLine_EndsAtALineFeed_WithOrWithoutACarriageReturn_AndTheLastLineNeedsNone()
    {
        using var reader = Reader(Encoding.UTF8.GetBytes("one\r\ntwo\n\nthr\u00e9e"));

        Assert.Equal(["one", "two", "", "thr\u00e9e"], new List<string?> { reader.ReadLine(), reader.ReadLine(), reader.ReadLine(), reader.ReadLine() });
        Assert.Null(reader.ReadLine());
        Assert.Null(reader.ReadLine());
    }

    [Fact]
    public void ReadLine_ALoneCarriageReturnInsideALine_IsKept()
    {
        using var reader = Reader(Encoding.UTF8.GetBytes("a\rb\n"));

        Assert.Equal("a\rb", reader.ReadLine());
        Assert.Null(reader.ReadLine());
    }

    [Fact]
    public void ReadLine_ABadByte_IsNamedByItsOffsetInTheStream_AndTheNextLineIsRead()
    {
        // "ok\n" is bytes 0-2, "x\u00e9" bytes 3-5; the bad byte is at 6, after two good ones of its line.
        using var reader = Reader([.. Encoding.UTF8.GetBytes("ok\nx\u00e9"), 0xFF, .. Encoding.UTF8.GetBytes("y\r\nlast\n")]);

        Assert.Equal("ok", reader.ReadLine());
        var bad = Assert.Throws<InvalidDataException>(() => reader.ReadLine());
        Assert.Equal("invalid UTF-8 at byte offset 6 (the file must be UTF-8)", bad.Message);
        Assert.Equal("last", reader.ReadLine());
        Assert.Null(reader.ReadLine());
    }

    [Fact]
    public void ReadLine_ABadByteAtTheVeryStart_IsOffsetZero_AndAByteOrderMarkIsSkipped()
    {
        using var bad = Reader(0xFF, (byte)'\n');
        using var marked = Reader([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{}\n")]);
        using var laterMark = Reader([.. Encoding.UTF8.GetBytes("ok\n"), 0xFF, 0xFE, (byte)'x']);

        Assert.Equal("invalid UTF-8 at byte offset 0 (the file must be UTF-8)", Assert.Throws<InvalidDataException>(() => bad.ReadLine()).Message);
        Assert.Equal("{}", marked.ReadLine());
        Assert.Equal("ok", laterMark.ReadLine());
        Assert.Equal("invalid UTF-8 at byte offset 3 (the file must be UTF-8)", Assert.Throws<InvalidDataException>(() => laterMark.ReadLine()).Message);
    }

    [Fact]
    public void Read_ByCharacters_IsRefused_ItReadsLinesOnly()
    {
        using var reader = Reader(Encoding.UTF8.GetBytes("ab\n"));

        Assert.Throws<NotSupportedException>(() => reader.Read());
        Assert.Throws<NotSupportedException>(() => reader.ReadToEnd());
    }
}

using System.Buffers;

namespace MedCoord.Scheduling.Serialization;

/// <summary>
/// Reads lines of UTF-8 from a stream strictly (<see cref="Utf8Text"/>): a line that holds a byte that is not part of a
/// well-formed sequence is read whole and reported as an <see cref="InvalidDataException"/> naming the byte's offset in
/// the stream, never decoded with a replacement character. A line ends at a line feed, with or without a carriage
/// return before it. It reads lines only: reading by characters is refused.
/// </summary>
/// <param name="stream">The stream; read as needed, not disposed.</param>
internal sealed class Utf8LineReader(Stream stream) : TextReader
{
    private readonly BufferedStream _input = new(stream);
    private long _offset;

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The line is not UTF-8 (the next call reads the line after it).</exception>
    public override string? ReadLine()
    {
        var line = new ArrayBufferWriter<byte>();
        var start = _offset;
        int next;
        while ((next = _input.ReadByte()) >= 0)
        {
            _offset++;
            if (next == '\n')
            {
                break;
            }

            line.GetSpan(1)[0] = (byte)next;
            line.Advance(1);
        }

        if (next < 0 && line.WrittenCount == 0)
        {
            return null;
        }

        var bytes = line.WrittenSpan;
        if (bytes is [.., (byte)'\r'])
        {
            bytes = bytes[..^1];
        }

        return Utf8Text.Decode(bytes, out var error, start) ?? throw new InvalidDataException(error);
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: the reader reads lines only.</exception>
    public override int Read() => throw new NotSupportedException("the input is read by lines only");
}

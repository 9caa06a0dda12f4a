using System.Buffers;
using System.Text.Unicode;

namespace MedCoord.Scheduling.Serialization;

/// <summary>
/// Decodes an input file's bytes strictly as UTF-8: a byte that is not part of a well-formed sequence is an error at
/// its offset, never a replacement character (a name with a bad byte would otherwise become another name). A UTF-8
/// byte order mark is skipped. The error names the offset only, never the text around it (it may be patient data).
/// </summary>
internal static class Utf8Text
{
    /// <summary>Decodes the bytes, or returns null with the error (without its path).</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="error">The error, when the bytes are not UTF-8.</param>
    /// <param name="origin">
    /// The offset of the first byte in the input they were read from (a line's start in a stream), added to the offset
    /// an error names; a byte order mark is looked for only at the input's start (0).
    /// </param>
    public static string? Decode(ReadOnlySpan<byte> bytes, out string? error, long origin = 0)
    {
        var offset = origin == 0 && bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        if (origin == 0 && bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            error = "the file starts with a UTF-16 byte order mark; it must be UTF-8";
            return null;
        }

        // UTF-8 never takes fewer bytes than the UTF-16 code units it decodes to.
        var chars = new char[bytes.Length - offset];
        var status = Utf8.ToUtf16(bytes[offset..], chars, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: true);
        if (status != OperationStatus.Done)
        {
            error = $"invalid UTF-8 at byte offset {origin + offset + read} (the file must be UTF-8)";
            return null;
        }

        error = null;
        return new string(chars, 0, written);
    }
}

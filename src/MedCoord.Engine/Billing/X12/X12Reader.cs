using System.Globalization;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Engine.Billing.X12;

/// <summary>The delimiters of an interchange, as its ISA header declares them.</summary>
/// <param name="Element">The element separator (the ISA's fourth character).</param>
/// <param name="Repetition">The repetition separator (ISA11), or null when the interchange declares none (<c>U</c>).</param>
/// <param name="Component">The component separator (ISA16).</param>
/// <param name="Segment">The segment terminator (the character after ISA16).</param>
public sealed record X12Delimiters(char Element, char? Repetition, char Component, char Segment);

/// <summary>One segment of an incoming file: its id, its elements and where it is.</summary>
public sealed class X12Segment
{
    private readonly string[] _elements;
    private readonly X12Delimiters _delimiters;

    internal X12Segment(int position, string[] elements, X12Delimiters delimiters)
    {
        (Position, _elements, _delimiters) = (position, elements, delimiters);
    }

    /// <summary>Gets the segment's number in the file, the ISA being 1.</summary>
    public int Position { get; }

    /// <summary>Gets the segment id (for example <c>CLP</c>).</summary>
    public string Id => _elements[0];

    /// <summary>Gets how many elements follow the id (trailing empty elements included as sent).</summary>
    public int Count => _elements.Length - 1;

    /// <summary>Gets where the segment is, as errors name it: <c>segment 14 (CLP)</c>.</summary>
    public string Where => $"segment {Position} ({Id})";

    /// <summary>An element by its 1-based position (CLP04 is <c>this[4]</c>); empty when absent.</summary>
    /// <param name="position">The position.</param>
    public string this[int position] => position >= 1 && position < _elements.Length ? _elements[position] : string.Empty;

    /// <summary>The components of an element (a simple element is one component).</summary>
    /// <param name="position">The element's position.</param>
    /// <returns>The components; one empty component when the element is absent.</returns>
    public IReadOnlyList<string> Components(int position) => this[position].Split(_delimiters.Component);

    /// <summary>The repetitions of an element (split by the repetition separator, when the interchange declares one).</summary>
    /// <param name="position">The element's position.</param>
    /// <returns>The non-empty repetitions.</returns>
    public IReadOnlyList<string> Repetitions(int position) =>
        _delimiters.Repetition is { } r ? this[position].Split(r, StringSplitOptions.RemoveEmptyEntries) : this[position].Length > 0 ? [this[position]] : [];

    /// <summary>A component of an element (1-based); empty when absent.</summary>
    /// <param name="position">The element's position.</param>
    /// <param name="component">The component's position.</param>
    /// <returns>The component.</returns>
    public string Component(int position, int component) => Components(position) is var parts && component >= 1 && component <= parts.Count ? parts[component - 1] : string.Empty;

    /// <summary>An error about this segment.</summary>
    /// <param name="message">What is wrong (never the data itself).</param>
    /// <returns>The error.</returns>
    public ValidationError Error(string message) => new(Where, message);

    /// <inheritdoc />
    public override string ToString() => Where;
}

/// <summary>One transaction set (ST to SE inclusive).</summary>
/// <param name="Id">ST01, for example <c>835</c>.</param>
/// <param name="ControlNumber">ST02.</param>
/// <param name="Reference">ST03, the implementation guide (for example <c>005010X221A1</c>), or empty.</param>
/// <param name="Segments">ST … SE.</param>
public sealed record X12Transaction(string Id, string ControlNumber, string Reference, IReadOnlyList<X12Segment> Segments)
{
    /// <summary>Gets the segments between ST and SE.</summary>
    public IEnumerable<X12Segment> Body => Segments.Skip(1).Take(Segments.Count - 2);
}

/// <summary>One functional group (GS to GE).</summary>
/// <param name="FunctionalId">GS01 (HP for an 835, HB for a 271, FA for a 999, HN for a 277).</param>
/// <param name="ControlNumber">GS06.</param>
/// <param name="Version">GS08.</param>
/// <param name="Transactions">Its transaction sets.</param>
public sealed record X12Group(string FunctionalId, string ControlNumber, string Version, IReadOnlyList<X12Transaction> Transactions);

/// <summary>An incoming interchange, its envelopes checked.</summary>
/// <param name="Delimiters">Its delimiters.</param>
/// <param name="SenderId">ISA06, trimmed.</param>
/// <param name="ReceiverId">ISA08, trimmed.</param>
/// <param name="ControlNumber">ISA13.</param>
/// <param name="Production">Whether ISA15 is P.</param>
/// <param name="Groups">Its functional groups.</param>
public sealed record X12Interchange(X12Delimiters Delimiters, string SenderId, string ReceiverId, string ControlNumber, bool Production, IReadOnlyList<X12Group> Groups)
{
    /// <summary>Every transaction set of every group, in file order.</summary>
    public IEnumerable<X12Transaction> Transactions => Groups.SelectMany(g => g.Transactions);
}

/// <summary>
/// The one tokenizer of every incoming X12 file. The delimiters come from the ISA (a fixed 106 characters: the element
/// separator is its fourth character, the repetition separator ISA11, the component separator ISA16 and the segment
/// terminator the character after it); line breaks and spaces around segments are allowed. Every envelope is checked:
/// ISA/IEA, GS/GE and ST/SE pair up, their control numbers match, and IEA01, GE01 and SE01 count what they enclose.
/// Errors name the segment by its number in the file (the ISA is 1) and say what is wrong, never the data. Thread safe.
/// </summary>
public static class X12Reader
{
    private const int IsaLength = 106;
    private static readonly int[] IsaWidths = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

    /// <summary>Reads an interchange from its bytes (UTF-8 or ASCII; a bad byte is reported with its offset).</summary>
    /// <param name="bytes">The file.</param>
    /// <returns>The interchange, or every problem found.</returns>
    public static (X12Interchange? Interchange, IReadOnlyList<ValidationError> Errors) Read(ReadOnlySpan<byte> bytes) =>
        Utf8Text.Decode(bytes, out var error) is { } text ? Read(text) : (null, [new("file", error!)]);

    /// <summary>Reads an interchange.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The interchange, or every problem found.</returns>
    public static (X12Interchange? Interchange, IReadOnlyList<ValidationError> Errors) Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (text.Length - start < 3 || string.CompareOrdinal(text, start, "ISA", 0, 3) != 0)
        {
            return (null, [new("segment 1", text.Length - start == 0 ? "the file is empty; an X12 interchange starts with ISA" : "the file does not start with an ISA segment")]);
        }

        var (delimiters, isa, isaError) = Header(text, start);
        if (isaError is not null)
        {
            return (null, [new("segment 1 (ISA)", isaError)]);
        }

        var errors = new List<ValidationError>();
        var segments = new List<X12Segment> { new(1, isa!, delimiters!) };
        var position = 1;
        foreach (var raw in text[(start + IsaLength)..].Split(delimiters!.Segment))
        {
            var trimmed = raw.Trim('\r', '\n', ' ');
            if (trimmed.Length == 0)
            {
                continue;
            }

            position++;
            var elements = trimmed.Split(delimiters.Element);
            if (ControlCharacter(trimmed, delimiters) is { } control)
            {
                errors.Add(new(IsSegmentId(elements[0]) ? $"segment {position} ({elements[0]})" : $"segment {position}",
                    $"contains the control character U+{(int)trimmed[control]:X4} at character {control + 1}; X12 text has none (line breaks are allowed only between segments)"));
                continue;
            }

            if (!IsSegmentId(elements[0]))
            {
                // The first such segment names the cause (usually a delimiter the ISA does not declare); the rest would repeat it.
                return (null, [.. errors, new($"segment {position}", $"does not start with a segment id (2 or 3 upper-case letters or digits followed by the element separator '{delimiters.Element}'); are the delimiters the ISA declares the ones the file uses?")]);
            }

            segments.Add(new(position, elements, delimiters));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var interchange = Envelopes(segments, delimiters, errors);
        return errors.Count > 0 ? (null, errors) : (interchange, []);
    }

    /// <summary>The index of the first control character (below U+0020, U+007F to U+009F) that is not a delimiter, or null.</summary>
    private static int? ControlCharacter(string segment, X12Delimiters delimiters)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (IsControl(c) && c != delimiters.Element && c != delimiters.Component && c != delimiters.Repetition)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>Whether a segment's first element is a segment id: 2 or 3 upper-case letters or digits.</summary>
    private static bool IsSegmentId(string id) => id.Length is >= 2 and <= 3 && id.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    private static bool IsControl(char c) => c < ' ' || c is >= '\u007F' and <= '\u009F';

    /// <summary>A decimal amount (X12 type R: an optional minus, digits, an optional decimal point), or null.</summary>
    /// <param name="value">The element.</param>
    /// <returns>The number, or null when it is not one.</returns>
    internal static decimal? Number(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiDigit(c) || c is '.' or '-')
            && decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>A CCYYMMDD date, or null.</summary>
    /// <param name="value">The element.</param>
    /// <returns>The date, or null when it is not one.</returns>
    internal static LocalDate? Date(string value) =>
        value.Length == 8 && LocalDatePattern.CreateWithInvariantCulture("uuuuMMdd").Parse(value) is { Success: true } r ? r.Value : null;

    private static (X12Delimiters? Delimiters, string[]? Isa, string? Error) Header(string text, int start)
    {
        if (text.Length - start < IsaLength)
        {
            return (null, null, $"the interchange header is {text.Length - start} characters long; an ISA is exactly {IsaLength} (element separator at position 4, segment terminator after ISA16)");
        }

        var header = text.Substring(start, IsaLength - 1);
        var element = header[3];
        if (char.IsAsciiLetterOrDigit(element) || char.IsWhiteSpace(element))
        {
            return (null, null, "the element separator (the fourth character) must not be a letter, digit or space");
        }

        var fields = header.Split(element);
        if (fields.Length != 17)
        {
            return (null, null, $"has {fields.Length - 1} elements within its fixed {IsaLength} characters; it must have 16 of fixed widths (is a field too long or too short?)");
        }

        for (var i = 0; i < IsaWidths.Length; i++)
        {
            if (fields[i + 1].Length != IsaWidths[i])
            {
                return (null, null, $"ISA{i + 1:00} is {fields[i + 1].Length} characters; the ISA is fixed-width and ISA{i + 1:00} must be {IsaWidths[i]}");
            }
        }

        for (var i = 1; i <= 15; i++)
        {
            if (i != 11 && fields[i].Any(IsControl))
            {
                return (null, null, $"ISA{i:00} contains a control character; X12 text has none");
            }
        }

        var segment = text[start + IsaLength - 1];
        var component = fields[16][0];
        char? repetition = fields[11] == "U" ? null : fields[11][0];
        var used = new[] { element, component, segment }.Concat(repetition is { } r ? [r] : []).ToList();
        if (used.Distinct().Count() != used.Count)
        {
            return (null, null, "the delimiters are not distinct: the element separator, repetition separator (ISA11), component separator (ISA16) and segment terminator must differ");
        }

        if (used.Skip(1).Any(c => char.IsAsciiLetterOrDigit(c) || c == ' '))
        {
            return (null, null, "a delimiter (ISA11, ISA16 or the character after ISA16) is a letter, digit or space; is the ISA the right width?");
        }

        if (fields[12] != "00501")
        {
            return (null, null, $"ISA12 is '{fields[12]}'; only version 00501 is read");
        }

        if (!fields[13].All(char.IsAsciiDigit))
        {
            return (null, null, "ISA13 (the interchange control number) must be 9 digits");
        }

        return (new X12Delimiters(element, repetition, component, segment), fields, null);
    }

    private static X12Interchange? Envelopes(List<X12Segment> segments, X12Delimiters delimiters, List<ValidationError> errors)
    {
        var isa = segments[0];
        var groups = new List<X12Group>();
        var i = 1;
        while (i < segments.Count && segments[i].Id == "GS")
        {
            groups.Add(Group(segments, ref i, errors));
        }

        if (i >= segments.Count)
        {
            errors.Add(new($"segment {segments[^1].Position} ({segments[^1].Id})", "the interchange has no IEA trailer"));
            return null;
        }

        var iea = segments[i];
        if (iea.Id != "IEA")
        {
            errors.Add(iea.Error(groups.Count == 0 ? "expected GS (a functional group) after the ISA" : "expected GS or IEA after a GE"));
            return null;
        }

        if (!int.TryParse(iea[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != groups.Count)
        {
            errors.Add(iea.Error($"IEA01 says {(iea[1].Length == 0 ? "nothing" : $"'{iea[1]}'")}; the interchange has {groups.Count} functional group{(groups.Count == 1 ? string.Empty : "s")}"));
        }

        if (iea[2] != isa[13])
        {
            errors.Add(iea.Error("IEA02 does not match the interchange control number ISA13"));
        }

        if (i + 1 < segments.Count)
        {
            errors.Add(segments[i + 1].Error("found after the IEA trailer; an interchange ends with IEA"));
        }

        return new X12Interchange(delimiters, isa[6].Trim(), isa[8].Trim(), isa[13], isa[15] == "P", groups);
    }

    private static X12Group Group(List<X12Segment> segments, ref int i, List<ValidationError> errors)
    {
        var gs = segments[i++];
        var transactions = new List<X12Transaction>();
        var broken = 0;
        while (i < segments.Count && segments[i].Id == "ST")
        {
            var st = segments[i];
            var end = i + 1;
            while (end < segments.Count && segments[end].Id is not ("SE" or "ST" or "GE" or "IEA"))
            {
                end++;
            }

            if (end >= segments.Count || segments[end].Id != "SE")
            {
                errors.Add(st.Error($"transaction set {st[2]} has no SE trailer"));
                broken++;
                i = end;
                continue;
            }

            var se = segments[end];
            var set = segments.GetRange(i, end - i + 1);
            if (!int.TryParse(se[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != set.Count)
            {
                errors.Add(se.Error($"SE01 says {(se[1].Length == 0 ? "nothing" : $"'{se[1]}'")}; the transaction set has {set.Count} segments, ST and SE included"));
            }

            if (se[2] != st[2])
            {
                errors.Add(se.Error($"SE02 '{se[2]}' does not match ST02 '{st[2]}'"));
            }

            transactions.Add(new X12Transaction(st[1], st[2], st[3], set));
            i = end + 1;
        }

        if (i >= segments.Count || segments[i].Id != "GE")
        {
            errors.Add(i < segments.Count ? segments[i].Error("expected ST or GE inside a functional group") : gs.Error("the functional group has no GE trailer"));
            while (i < segments.Count && segments[i].Id is not ("GE" or "IEA"))
            {
                i++;
            }

            if (i < segments.Count && segments[i].Id == "GE")
            {
                i++;
            }

            return new X12Group(gs[1], gs[6], gs[8], transactions);
        }

        var ge = segments[i++];
        if (!int.TryParse(ge[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sets) || sets != transactions.Count + broken)
        {
            errors.Add(ge.Error($"GE01 says {(ge[1].Length == 0 ? "nothing" : $"'{ge[1]}'")}; the group has {transactions.Count + broken} transaction set{(transactions.Count + broken == 1 ? string.Empty : "s")}"));
        }

        if (ge[2] != gs[6])
        {
            errors.Add(ge.Error($"GE02 '{ge[2]}' does not match the group control number GS06 '{gs[6]}'"));
        }

        return new X12Group(gs[1], gs[6], gs[8], transactions);
    }
}

/// <summary>The transaction sets of a kind in an interchange, or why there are none.</summary>
internal static class X12Transactions
{
    /// <summary>Every transaction set with ST01 <paramref name="id"/>; an error for any other kind, or when there is none.</summary>
    public static IReadOnlyList<X12Transaction> Of(X12Interchange interchange, string id, string what, List<ValidationError> errors)
    {
        var sets = interchange.Transactions.ToList();
        foreach (var other in sets.Where(t => t.Id != id))
        {
            errors.Add(other.Segments[0].Error($"is transaction set {other.Id}; expected {what} ({id})"));
        }

        if (sets.Count == 0)
        {
            errors.Add(new("segment 1 (ISA)", $"the interchange holds no transaction set; expected {what} ({id})"));
        }

        return [.. sets.Where(t => t.Id == id)];
    }

    /// <summary>A monetary amount element: a number in dollars and cents (no fraction of a cent), or an error naming the element.</summary>
    public static decimal Money(X12Segment segment, int position, List<ValidationError> errors, bool required = true)
    {
        var amount = Amount(segment, position, errors, required);
        if (amount != Math.Round(amount, 2))
        {
            errors.Add(segment.Error($"{segment.Id}{position:00} is a fraction of a cent; amounts have at most two decimal places"));
        }

        return amount;
    }

    private const int MaxDigits = 18;

    /// <summary>An amount element that must be a number (at most 18 digits): the number, or an error naming the element.</summary>
    public static decimal Amount(X12Segment segment, int position, List<ValidationError> errors, bool required = true)
    {
        if (segment[position].Length == 0 && !required)
        {
            return 0;
        }

        if (segment[position].Count(char.IsAsciiDigit) > MaxDigits)
        {
            // X12 numbers (type R) have at most 18 digits; more would also overflow the sums the balance checks make.
            errors.Add(segment.Error($"{segment.Id}{position:00} has more than {MaxDigits} digits"));
            return 0;
        }

        if (X12Reader.Number(segment[position]) is { } n)
        {
            return n;
        }

        errors.Add(segment.Error(segment[position].Length == 0 ? $"{segment.Id}{position:00} is required" : $"{segment.Id}{position:00} is not a number"));
        return 0;
    }

    /// <summary>A required element: its value, or an error naming it.</summary>
    public static string Required(X12Segment segment, int position, List<ValidationError> errors)
    {
        if (segment[position].Length == 0)
        {
            errors.Add(segment.Error($"{segment.Id}{position:00} is required"));
        }

        return segment[position];
    }
}

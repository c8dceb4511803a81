/** Option parsers shared by the commands. Bad values are the operator's: exit status 2. */
import { InvalidArgumentError } from 'commander';
export function positiveInt(name, max = Number.MAX_SAFE_INTEGER) {
    return (value) => {
        if (!/^\d+$/.test(value))
            throw new InvalidArgumentError(`${name} must be a whole number.`);
        const n = Number(value);
        if (!Number.isSafeInteger(n) || n < 1 || n > max)
            throw new InvalidArgumentError(`${name} must be between 1 and ${max}.`);
        return n;
    };
}
export function nonNegativeInt(name) {
    return (value) => {
        if (!/^\d+$/.test(value))
            throw new InvalidArgumentError(`${name} must be a whole number.`);
        const n = Number(value);
        if (!Number.isSafeInteger(n))
            throw new InvalidArgumentError(`${name} is too large.`);
        return n;
    };
}
export function oneOf(name, values) {
    return (value) => {
        if (!values.includes(value)) {
            throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}.`);
        }
        return value;
    };
}
//# sourceMappingURL=options.js.map
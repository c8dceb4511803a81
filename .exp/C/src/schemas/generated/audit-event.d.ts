export declare const validate: typeof validate20;
export default validate20;
declare function validate20(data: any, { instancePath, parentData, parentDataProperty, rootData, dynamicAnchors }?: {
    instancePath?: string | undefined;
    rootData?: any;
    dynamicAnchors?: {} | undefined;
}): boolean;
declare namespace validate20 {
    var evaluated: {
        props: {
            v: boolean;
            chain: boolean;
            seq: boolean;
            ts: boolean;
            kind: boolean;
            actor: boolean;
            request: boolean;
            request_fingerprint: boolean;
            policy_hash: boolean;
            decision: boolean;
            prev_hash: boolean;
            hash: boolean;
            review_ref: boolean;
            exception_ref: boolean;
        };
        dynamicProps: boolean;
        dynamicItems: boolean;
    };
}
